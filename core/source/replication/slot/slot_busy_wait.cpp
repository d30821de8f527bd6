#include "source/replication/slot/slot_busy_wait.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "metrics/metrics_registry.hpp"

namespace popyka::source::replication {
namespace {

using Clock = std::chrono::steady_clock;

// A standby looks again at least this often: each attempt itself watches the slot for a few
// seconds (ReplicationSlot's grace for an exiting walsender), so a takeover starts within about this.
constexpr SlotBusyWait::Seconds standby_recheck_cap{1.0};

}  // namespace

SlotBusyWait::SlotBusyWait(const config::DatabaseSpec& database, metrics::Registry& registry)
    : database_(database),
      registry_(registry),
      backoff_(Seconds(database.reconnect_initial_s),
               database.standby ? std::min(Seconds(database.reconnect_max_s), standby_recheck_cap)
                                : Seconds(database.reconnect_max_s)) {}

SlotBusyWait::Seconds SlotBusyWait::next_wait(const SlotInUse& busy) {
  const Seconds waited = Clock::now() - started_;  // each attempt watches the slot for a while too
  const SlotHolder& holder = busy.holder();
  waiting_ = true;
  if (database_.standby) {
    registry_.standby.set(1);
    registry_.set_health(metrics::Health::Standby, fmt::format("slot held by PID {}", holder.pid));
    // Once per holder: a standby waits for hours, its log must not fill up meanwhile.
    if (holder.pid != last_holder_pid_) {
      spdlog::info("standby: replication slot \"{}\" is held by {}; taking it over when it is free",
                   database_.slot_name, describe(holder));
    }
    last_holder_pid_ = holder.pid;
    return backoff_.next_wait();
  }
  const Seconds bound(database_.slot_busy_wait_s);
  if (bound.count() == 0) throw busy;
  if (waited >= bound) {
    throw ReplicationError(fmt::format(
        "{} (still in use after waiting {:.0f}s, database.slot_busy_wait_s; set database.standby: true for an "
        "instance that waits until the slot is free)",
        busy.what(), waited.count()));
  }
  const Seconds wait = std::min(backoff_.next_wait(), bound - waited);
  registry_.set_health(metrics::Health::Starting, fmt::format("slot held by PID {}", holder.pid));
  spdlog::warn("replication slot \"{}\" is in use by {}; trying again in {:.1f}s (waited {:.0f}s of {:.0f}s, "
               "database.slot_busy_wait_s)",
               database_.slot_name, describe(holder), wait.count(), waited.count(), bound.count());
  return wait;
}

void SlotBusyWait::acquired() {
  if (!waiting_) return;
  spdlog::info("replication slot \"{}\" is free after waiting {:.1f}s: {}", database_.slot_name,
               Seconds(Clock::now() - started_).count(), database_.standby ? "taking over" : "streaming");
  registry_.standby.set(0);
  waiting_ = false;
}

}  // namespace popyka::source::replication
