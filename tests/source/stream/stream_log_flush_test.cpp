// popyka-host writes its log in blocks (runtime::configure_logging), yet a change's log line,
// LogChangeProcessor's output, is on stderr before the change is confirmed to PostgreSQL: at
// each standby status update, and before the initial snapshot's marker slot goes. No timer
// flushes here, so only those can have written the lines.
#include <catch2/catch.hpp>

#include <string>

#include "background_stream.hpp"
#include "runtime/logging.hpp"
#include "stderr_to_file.hpp"
#include "temp_dir.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// Logs a line for each change, as LogChangeProcessor does in the pipeline, before it is done;
// `asynchronous`, also one when a delivery completes, as a processor's delivery report may.
class LoggingConsumer : public RecordingConsumer {
 public:
  using RecordingConsumer::RecordingConsumer;
  void consume(std::string_view json, sdk::Lsn lsn) override {
    spdlog::info("change at {}: {}", sdk::format_lsn(lsn), json);
    RecordingConsumer::consume(json, lsn);
  }
  void poll(std::chrono::milliseconds wait) override {
    const bool completes_one = has_pending();  // poll() completes one (only this thread adds any)
    RecordingConsumer::poll(wait);
    if (completes_one) spdlog::info("delivered a change");
  }
};

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a change's log line is on stderr by the time its LSN is confirmed") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE logged_changes(id int PRIMARY KEY, note text)");
  TempDir dir;
  StderrToFile stderr_file(dir / "stderr");
  runtime::configure_logging("info", false, /*flush_interval=*/std::chrono::seconds(0));
  LoggingConsumer consumer;
  BackgroundStream stream(database_spec(cluster, "logged_changes"), consumer);  // a status every 0.2 s
  REQUIRE(wait_until_streaming(cluster, "logged_changes"));

  cluster.exec("INSERT INTO logged_changes VALUES (1, 'the line to confirm')");
  REQUIRE(consumer.wait_until([](const auto& received) {
    return !received.empty() && has(received.back().json, R"("action":"C")");
  }));
  const std::string insert_lsn = sdk::format_lsn(consumer.received().back().lsn);
  REQUIRE(wait_until([&] {
    return cluster.query_value("SELECT confirmed_flush_lsn >= '" + insert_lsn +
                               "' FROM pg_replication_slots WHERE slot_name = 'logged_changes'") == "t";
  }));
  CHECK(has(stderr_file.text(), "the line to confirm"));

  cluster.exec(end_of_stream_sql);
  CHECK(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
}

TEST_CASE("the initial snapshot's log lines are on stderr before its marker slot goes") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE logged_snapshot(id int PRIMARY KEY, note text)");
  cluster.exec("INSERT INTO logged_snapshot VALUES (1, 'first snapshot row'), (2, 'second snapshot row')");
  TempDir dir;
  StderrToFile stderr_file(dir / "stderr");
  runtime::configure_logging("info", false, /*flush_interval=*/std::chrono::seconds(0));
  LoggingConsumer consumer(/*asynchronous=*/true);  // the last deliveries complete after the table's "done" line
  auto spec = database_spec(cluster, "logged_snapshot");
  spec.snapshot = config::DatabaseSpec::Snapshot::initial;
  spec.snapshot_tables = {"public.logged_snapshot"};
  spec.status_interval_s = 60;  // no standby status update flushes the log meanwhile
  BackgroundStream stream(spec, consumer);

  // The marker slot is made before the slot, and dropped once every R row is done.
  REQUIRE(wait_until([&] {
    return cluster.query_value("SELECT count(*) FILTER (WHERE slot_name = 'logged_snapshot') || '/' || count(*) FILTER "
                               "(WHERE slot_name = 'logged_snapshot_snapshot_pending') FROM pg_replication_slots") == "1/0";
  }));
  const std::string written = stderr_file.text();
  CHECK(has(written, "first snapshot row"));
  CHECK(has(written, "second snapshot row"));
  std::size_t delivered = 0;
  for (auto at = written.find("delivered a change"); at != std::string::npos; at = written.find("delivered a change", at + 1)) ++delivered;
  CHECK(delivered == 2);

  cluster.exec(end_of_stream_sql);
  CHECK(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
}
