#pragma once
#include <chrono>

#include "config/pipeline_config.hpp"
#include "metrics/metrics_registry.hpp"
#include "source/replication/transport/reconnect_backoff.hpp"
#include "source/replication/slot/slot_in_use.hpp"

namespace popyka::source::replication {

// What popyka-host does when its slot is in use at startup, before it ever streamed:
// - by default it waits up to `database.slot_busy_wait_s`, trying again with back-off: after a
//   crash or a network cut the server keeps the old walsender until wal_sender_timeout, and a
//   restarted popyka-host must not fail (and be restarted, and fail) meanwhile;
// - as a standby (`database.standby`) it waits without bound, /healthz saying so, and takes the
//   slot over the moment the active instance lets it go.
class SlotBusyWait {
 public:
  using Seconds = ReconnectBackoff::Seconds;

  // The standby's state goes to `registry` (/healthz, popyka_standby).
  SlotBusyWait(const config::DatabaseSpec& database, metrics::Registry& registry);

  // The slot is held (`busy`): how long to wait before the next attempt, logged with the holder.
  // Throws `busy` (saying how long it waited) once the bound is reached.
  Seconds next_wait(const SlotInUse& busy);
  // The slot is ours now: says after how long, and leaves standby.
  void acquired();

 private:
  const config::DatabaseSpec& database_;
  metrics::Registry& registry_;
  ReconnectBackoff backoff_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool waiting_ = false;  // the slot was found held at least once
  int last_holder_pid_ = 0;
};

}  // namespace popyka::source::replication
