#include "metrics/progress_log.hpp"

#include <numeric>

#include <spdlog/spdlog.h>

#include "metrics/metrics_registry.hpp"
#include "metrics/slot_probe.hpp"
#include "popyka/sdk/change.hpp"

namespace popyka::metrics {
namespace {

std::uint64_t total_received() {
  std::uint64_t total = 0;
  for (const Counter& counter : registry().received) total += counter.value();
  return total;
}

}  // namespace

ProgressLog::ProgressLog(std::chrono::seconds interval, SlotProbe* slot)
    : slot_(slot), thread_([this, interval] { run(interval); }) {}

ProgressLog::~ProgressLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ProgressLog::run(std::chrono::seconds interval) {
  std::uint64_t last_count = total_received();
  auto last_time = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    const std::uint64_t count = total_received();
    const auto now = std::chrono::steady_clock::now();
    const double rate = static_cast<double>(count - last_count) / std::chrono::duration<double>(now - last_time).count();
    last_count = count;
    last_time = now;
    if (slot_ != nullptr) slot_->query();
    if (registry().health().first != Health::Streaming) continue;
    const Registry& r = registry();
    spdlog::info("progress: {:.0f} changes/s, {} received in all, confirmed {}, lag {} bytes", rate, count,
                 sdk::format_lsn(static_cast<sdk::Lsn>(r.confirmed_lsn.value())),
                 std::max<std::int64_t>(0, r.server_wal_end.value() - r.confirmed_lsn.value()));
  }
}

}  // namespace popyka::metrics
