#include "source/replication/replication_stream.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "metrics/metrics_registry.hpp"
#include "runtime/stop_signal.hpp"
#include "source/replication/heartbeat/heartbeat.hpp"
#include "source/replication/output_plugin/output_plugin.hpp"
#include "source/replication/output_plugin/wal2json_column_details.hpp"
#include "source/replication/replication_session.hpp"
#include "source/replication/slot/replication_slot.hpp"
#include "source/replication/slot/slot_busy_wait.hpp"
#include "source/replication/transport/reconnect_backoff.hpp"
#include "source/replication/transport/stop_aware_wait.hpp"

namespace popyka::source {
namespace {

using namespace replication;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A connection refused when popyka starts is a configuration problem to report (wrong host,
// password, role); the same failure later is a server restart or network trouble to wait out.
ReplicationError cannot_connect(const ConnectionLost& failure) {
  std::string_view reason = failure.what();
  std::string_view hint;
  if (reason.find("replication role") != std::string_view::npos ||
      reason.find("REPLICATION attribute") != std::string_view::npos) {
    hint = " (the role needs the REPLICATION attribute: ALTER ROLE <name> REPLICATION)";
  } else if (reason.find("password") != std::string_view::npos) {
    hint = " (check the user and password in database.connect_url)";
  }
  return ReplicationError(fmt::format("cannot connect to PostgreSQL for replication: {}{}", reason, hint));
}

// Sleeps before a reconnect attempt; outstanding deliveries keep completing meanwhile.
void wait_before_reconnect(ReconnectBackoff::Seconds wait, ChangeConsumer& consumer) {
  const auto give_up = Clock::now() + std::chrono::duration_cast<Clock::duration>(wait);
  while (!runtime::stop_requested() && Clock::now() < give_up) {
    auto left = std::chrono::duration_cast<milliseconds>(give_up - Clock::now());
    if (consumer.has_pending()) {
      consumer.poll(std::min(left, milliseconds(100)));
    } else {
      wait_readable(-1, left);
    }
  }
}

void stream_until_stopped(const config::DatabaseSpec& database, ChangeConsumer& consumer, metrics::Registry& registry) {
  (void)make_output_plugin(database, registry);  // its options' mistakes show before any connection

  ReconnectBackoff backoff{ReconnectBackoff::Seconds(database.reconnect_initial_s),
                           ReconnectBackoff::Seconds(database.reconnect_max_s)};
  Heartbeat heartbeat(database);
  SlotBusyWait slot_busy(database, registry);
  bool streamed = false;  // a session has started: failures from now on are waited out
  int failed_attempts = 0;
  Clock::time_point lost_at;
  std::string server;  // of the last session: a multi-host connect_url may reconnect elsewhere
  while (!runtime::stop_requested()) {
    try {
      ReplicationSession session(database, /*may_create_slot=*/!streamed, registry);
      if (failed_attempts > 0) {
        registry.reconnects.add();
        const std::string elsewhere =
            session.server() == server ? ""
                                       : fmt::format(" on another server, {} (was {}: a failover?)", session.server(), server);
        spdlog::info("replication connection recovered after {} attempt(s) in {:.1f}s{}; resuming from {}",
                     failed_attempts, std::chrono::duration<double>(Clock::now() - lost_at).count(), elsewhere,
                     sdk::format_lsn(session.start_position()));
      }
      server = session.server();
      if (!streamed) slot_busy.acquired();
      streamed = true;
      failed_attempts = 0;
      backoff.reset();
      session.stream(consumer);
      return;
    } catch (const SlotInUse& e) {
      if (!streamed) {
        wait_before_reconnect(slot_busy.next_wait(e), consumer);
        continue;
      }
      spdlog::warn("cannot resume streaming yet: {}", e.what());
    } catch (const ConnectionLost& e) {
      if (!streamed) throw cannot_connect(e);
      registry.set_health(metrics::Health::Reconnecting, e.what());
      if (failed_attempts == 0) {
        lost_at = Clock::now();
        spdlog::warn("lost the replication connection: {}", e.what());
      } else {
        spdlog::warn("reconnect attempt {} failed: {}", failed_attempts, e.what());
      }
    }
    ++failed_attempts;
    auto wait = backoff.next_wait();
    spdlog::info("reconnecting to PostgreSQL in {:.1f}s", wait.count());
    wait_before_reconnect(wait, consumer);
  }
  if (!streamed) {
    spdlog::info("stopped before streaming: the replication slot was in use");
    return;
  }
  spdlog::warn("stopped while disconnected from PostgreSQL; changes done since the last confirmation "
               "will be streamed again");
}

// Gives the consumer a column details lookup for as long as it lives.
class ColumnDetailsInUse {
 public:
  ColumnDetailsInUse(ChangeConsumer& consumer, decode::ColumnDetailsLookup* lookup) : consumer_(consumer) {
    consumer_.use_column_details(lookup);
  }
  ~ColumnDetailsInUse() { consumer_.use_column_details(nullptr); }
  ColumnDetailsInUse(const ColumnDetailsInUse&) = delete;
  ColumnDetailsInUse& operator=(const ColumnDetailsInUse&) = delete;

 private:
  ChangeConsumer& consumer_;
};

}  // namespace

void stream_changes(const config::DatabaseSpec& database, ChangeConsumer& consumer, metrics::Registry& registry) {
  // wal2json's text does not say the columns' NOT NULL and enum labels: the catalog does, for
  // the plugins that ask (pgoutput's Relation messages and the snapshot's plan say them already).
  Wal2jsonColumnDetails column_details(database.connect_url);  // connects on first use only
  const ColumnDetailsInUse in_use(consumer, database.output_plugin == config::DatabaseSpec::OutputPlugin::wal2json
                                                ? &column_details
                                                : nullptr);
  try {
    stream_until_stopped(database, consumer, registry);
  } catch (const std::exception& e) {
    // Said on /healthz before the error ends the process (the metrics server outlives this).
    registry.set_health(metrics::Health::Failed, e.what());
    throw;
  }
}

void drop_slot(const config::DatabaseSpec& database) {
  try {
    ReplicationConnection connection(database.connect_url, true, database.application_name);
    ReplicationSlot(connection, database.slot_name).drop();
  } catch (const ConnectionLost& e) {
    throw cannot_connect(e);
  }
}

}  // namespace popyka::source
