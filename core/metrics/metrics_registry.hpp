#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "metrics/counters.hpp"
#include "metrics/snapshot_progress.hpp"
#include "popyka/sdk/change.hpp"
#include "popyka/sdk/error_handler.hpp"

namespace popyka::metrics {

// Counters indexed by the change's action letter.
inline constexpr std::array<char, 8> kActions = {'B', 'C', 'I', 'U', 'D', 'T', 'M', 'R'};
std::size_t action_index(sdk::Action action) noexcept;
using PerAction = std::array<Counter, kActions.size()>;

inline constexpr std::size_t kErrorActionCount = 5;
std::string_view error_action_name(std::size_t index) noexcept;  // "next_error_handler", ...

struct ProcessorMetrics {
  std::string label;  // `processors[0]:popyka.builtin.processors.LogChangeProcessor`
  PerAction processed, failed;
  Counter retries;
  std::array<Counter, kErrorActionCount> handler_outcomes;  // by sdk::ErrorAction
  Counter delivery_failures;
  Gauge in_flight;
};

// Failed: streaming ended with an error; the process is about to exit with it.
enum class Health { Starting, Standby, Streaming, Reconnecting, Stopping, Failed };

// What popyka-host reports about itself: counters updated where things happen, read by the
// metrics server and the progress log. One per process (see registry()).
class Registry {
 public:
  PerAction received, filtered;
  Counter received_bytes;
  Counter reconnects;
  Gauge received_lsn, processed_lsn, confirmed_lsn, server_wal_end;
  Gauge last_commit_unix_us;  // commit time of the last transaction the pipeline finished
  Gauge standby;              // 1 while a standby waits for the slot another instance streams
  Gauge spooled_bytes;               // what the open streamed transactions' spools hold (memory and files)
  Gauge streamed_transactions_open;  // streamed, neither committed nor aborted yet
  SnapshotProgress snapshot;  // the initial snapshot's tables
  SnapshotProgress incremental_snapshot;  // the tables of incremental snapshots (taken while streaming)
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // Registered while the pipeline is built, before the metrics server starts; stable addresses.
  ProcessorMetrics& add_processor(std::string label);
  const std::deque<ProcessorMetrics>& processors() const noexcept { return processors_; }

  void set_health(Health health, std::string reason = {});
  std::pair<Health, std::string> health() const;

 private:
  std::deque<ProcessorMetrics> processors_;
  mutable std::mutex health_mutex_;
  Health health_ = Health::Starting;
  std::string health_reason_ = "starting";
};

Registry& registry();

// Parses wal2json's timestamp text (`2026-11-23 23:38:56.710851+00`, `+05:30` offsets too) into
// microseconds since the Unix epoch; std::nullopt when it is not one.
std::optional<std::int64_t> parse_timestamp_us(std::string_view text) noexcept;

}  // namespace popyka::metrics
