#pragma once
#include <chrono>
#include <exception>
#include <future>
#include <string>

#include "config/pipeline_config.hpp"
#include "postgres_cluster.hpp"
#include "recording_consumer.hpp"
#include "wait_streaming.hpp"
#include "runtime/stop_signal.hpp"
#include "source/replication/replication_stream.hpp"

namespace popyka::test {

// A DatabaseSpec for `slot` on `cluster` as the superuser, with short intervals for tests, and
// the output plugin the tests stream with on this server (PostgresCluster::test_output_plugin()).
inline config::DatabaseSpec database_spec(const PostgresCluster& cluster, std::string slot) {
  config::DatabaseSpec spec;
  spec.connect_url = cluster.dsn();
  spec.slot_name = std::move(slot);
  if (PostgresCluster::test_output_plugin() == "pgoutput") spec.output_plugin = config::DatabaseSpec::OutputPlugin::pgoutput;
  spec.status_interval_s = 0.2;
  spec.reconnect_initial_s = 0.2;
  spec.reconnect_max_s = 1;
  return spec;
}

// stream_changes() on its own thread, so the test can write to the database meanwhile.
class BackgroundStream {
 public:
  enum class Ending { returned, end_of_stream_message, error };

  BackgroundStream(config::DatabaseSpec spec, RecordingConsumer& consumer)
      : spec_(std::move(spec)),
        ending_(std::async(std::launch::async, [this, &consumer] {
          try {
            source::stream_changes(spec_, consumer, metrics::registry());
            return Ending::returned;
          } catch (const StreamEnded&) {
            return Ending::end_of_stream_message;
          } catch (const std::exception& e) {
            error_ = e.what();
            return Ending::error;
          }
        })) {}

  // A stream left running by a failed test is stopped (for the rest of the program: a stop
  // request lasts) rather than hanging it.
  ~BackgroundStream() {
    if (ending_.valid() && ending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      runtime::request_stop();
    }
  }

  // Waits up to `limit` for stream_changes() to end; Ending::error with error() saying why otherwise.
  Ending wait(std::chrono::seconds limit = std::chrono::seconds(60)) {
    if (ending_.wait_for(limit) != std::future_status::ready) {
      error_ = "stream_changes() still running after " + std::to_string(limit.count()) + "s";
      return Ending::error;
    }
    return ending_.get();
  }

  const std::string& error() const { return error_; }

 private:
  config::DatabaseSpec spec_;
  std::string error_;
  std::future<Ending> ending_;
};

}  // namespace popyka::test
