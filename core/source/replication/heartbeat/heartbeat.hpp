#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "config/pipeline_config.hpp"

namespace popyka::source::replication {

// The prefix of popyka's heartbeat messages, in the host's namespace: the source drops them
// before the pipeline (host_messages.hpp).
inline constexpr std::string_view heartbeat_prefix = "popyka.heartbeat";

// With database.heartbeat_interval_s > 0: a thread of its own that, every interval, runs
// `SELECT pg_logical_emit_message(false, 'popyka.heartbeat', <now>)` on an ordinary connection of
// its own to the captured database (database.heartbeat_connect_url, else connect_url). The
// message is WAL of this database that the slot decodes, so confirming it moves the slot even
// when only other databases are written to. On a standby, which cannot write WAL, it logs one
// warning and stops: heartbeat_connect_url names the primary instead.
//
// A thread rather than the stream loop's timer: the loop can be busy for long (an initial
// snapshot, a consumer waiting on Kafka, reconnect back-off) and a slow or failing heartbeat must
// never hold up streaming. Failures are logged and retried with a new connection next interval.
class Heartbeat {
 public:
  explicit Heartbeat(const config::DatabaseSpec& database);  // does nothing when the interval is 0
  ~Heartbeat();                                              // stops and joins the thread
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  void run();

  std::string connect_url_;
  std::string_view url_key_;  // the config key connect_url_ came from, for the log
  std::string application_name_;
  std::chrono::duration<double> interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace popyka::source::replication
