#include <catch2/catch.hpp>

#include <httplib.h>
#include <spdlog/details/log_msg.h>

#include "metrics/metrics_registry.hpp"
#include "metrics/metrics_server.hpp"
#include "metrics/progress_log.hpp"
#include "metrics/prometheus_text.hpp"
#include "log_capture.hpp"
#include "pipeline_fixture.hpp"
#include "runtime/json_log_formatter.hpp"
#include "wait_until.hpp"

using Catch::Contains;
using popyka::metrics::Health;
using popyka::metrics::registry;
using popyka::test::insert_into;
using popyka::test::PipelineFixture;

namespace {

std::string scrape() { return popyka::metrics::render_prometheus(registry(), std::nullopt); }

}  // namespace

TEST_CASE("the pipeline counts what it received, filtered, processed, failed and retried") {
  PipelineFixture fx;
  const auto received_before = registry().received[popyka::metrics::action_index(popyka::sdk::Action::Insert)].value();
  auto pipeline = fx.make(
      "[{class: test.processors.FailTimes, config: {times: 2}, error_handlers: [{class: popyka.builtin.error_handlers.RetryProcessor}]},"
      " {class: test.processors.Record, config: {file: '${OUT}'}}]",
      "[{class: popyka.builtin.filters.IgnoreTxFilter}]");
  pipeline->consume(R"({"action":"B"})", 1);
  pipeline->consume(insert_into("t", 1), 2);
  pipeline->consume(insert_into("t", 2), 3);
  pipeline->consume(R"({"action":"C","timestamp":"2026-11-24 10:00:00.5+00"})", 4);

  CHECK(registry().received[popyka::metrics::action_index(popyka::sdk::Action::Insert)].value() - received_before == 2);
  const auto& processors = registry().processors();
  REQUIRE(processors.size() >= 2);
  const auto& failing = processors[processors.size() - 2];
  const auto& recording = processors.back();
  CHECK(failing.label == "processors[0]:test.processors.FailTimes");
  const std::size_t insert = popyka::metrics::action_index(popyka::sdk::Action::Insert);
  CHECK(failing.failed[insert].value() == 4);     // 2 failures on each of 2 changes
  CHECK(failing.retries.value() == 4);
  CHECK(failing.processed[insert].value() == 2);
  CHECK(failing.handler_outcomes[3].value() == 4);  // retry_processor
  CHECK(recording.processed[insert].value() == 2);
  CHECK(registry().processed_lsn.value() == 4);
  CHECK(registry().last_commit_unix_us.value() == 1795514400500000);  // 2026-11-24T10:00:00.5Z

  const std::string text = scrape();
  CHECK_THAT(text, Contains("# TYPE popyka_changes_received_total counter"));
  CHECK_THAT(text, Contains(R"(popyka_changes_processed_total{processor="processors[1]:test.processors.Record",action="I"} 2)"));
  CHECK_THAT(text, Contains(R"(popyka_processor_retries_total{processor="processors[0]:test.processors.FailTimes"} 4)"));
  CHECK_THAT(text, Contains(R"(popyka_error_handler_outcomes_total{processor="processors[0]:test.processors.FailTimes",outcome="retry_processor"} 4)"));
  CHECK_THAT(text, Contains("popyka_processed_lsn 4\n"));
  CHECK_THAT(text, Contains("popyka_replication_lag_seconds "));
  CHECK_THAT(text, Contains(R"(popyka_build_info{version=")"));
}

TEST_CASE("asynchronous deliveries in flight and failed are counted") {
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.AsyncDeliver, config: {file: '${OUT}', fail_first: 1},"
                          " error_handlers: [{class: popyka.builtin.error_handlers.ContinueNextProcessor}]}]");
  const auto& async = registry().processors().back();
  pipeline->consume(insert_into("t", 1), 1);
  pipeline->consume(insert_into("t", 2), 2);
  CHECK(async.in_flight.value() == 2);
  pipeline->poll(std::chrono::milliseconds(0));
  CHECK(async.in_flight.value() == 0);
  CHECK(async.delivery_failures.value() == 1);
  CHECK(async.handler_outcomes[1].value() == 1);  // next_processor
}

TEST_CASE("/metrics and /healthz over HTTP") {
  popyka::metrics::MetricsServer server("127.0.0.1:0", nullptr);
  httplib::Client client("127.0.0.1", server.port());
  // /healthz's status and body with the registry's health set to `health`.
  auto healthz = [&](Health health, std::string reason = {}) {
    registry().set_health(health, std::move(reason));
    auto response = client.Get("/healthz");
    REQUIRE(response);
    return std::pair{response->status, response->body};
  };
  CHECK(healthz(Health::Reconnecting, "connection refused") == std::pair{503, std::string("reconnecting: connection refused\n")});
  // The error that ends the process, said before it exits.
  CHECK(healthz(Health::Failed, "the server invalidated replication slot \"popyka\" (wal_status = lost)") ==
        std::pair{503, std::string("failed: the server invalidated replication slot \"popyka\" (wal_status = lost)\n")});
  CHECK(healthz(Health::Streaming).first == 200);
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK_THAT(metrics->body, Contains("popyka_uptime_seconds "));
  CHECK_THAT(metrics->get_header_value("Content-Type"), Contains("text/plain; version=0.0.4"));
}

TEST_CASE("the slot's wal_status is one sample per state, safe_wal_size and retained WAL when the server has them") {
  popyka::metrics::SlotStatus slot{.current_wal_lsn = 100, .retained_wal_bytes = 40, .wal_status = "unreserved",
                                   .safe_wal_size = -2048};
  std::string text = popyka::metrics::render_prometheus(registry(), slot);
  CHECK_THAT(text, Contains("# TYPE popyka_slot_wal_status gauge\n"));
  CHECK_THAT(text, Contains("popyka_slot_wal_status{status=\"reserved\"} 0\n"
                            "popyka_slot_wal_status{status=\"extended\"} 0\n"
                            "popyka_slot_wal_status{status=\"unreserved\"} 1\n"
                            "popyka_slot_wal_status{status=\"lost\"} 0\n"));
  CHECK_THAT(text, Contains("popyka_slot_safe_wal_size_bytes -2048\n"));
  CHECK_THAT(text, Contains("popyka_slot_retained_wal_bytes 40\n"));

  // Lost: no restart_lsn, no safe_wal_size.
  slot = {.current_wal_lsn = 100, .retained_wal_bytes = std::nullopt, .wal_status = "lost", .safe_wal_size = std::nullopt};
  text = popyka::metrics::render_prometheus(registry(), slot);
  CHECK_THAT(text, Contains("popyka_slot_wal_status{status=\"lost\"} 1\n"));
  CHECK_THAT(text, !Contains("popyka_slot_safe_wal_size_bytes"));
  CHECK_THAT(text, !Contains("popyka_slot_retained_wal_bytes"));
  // A server before PostgreSQL 13 has no wal_status.
  slot = {.current_wal_lsn = 100, .retained_wal_bytes = 40, .wal_status = "", .safe_wal_size = std::nullopt};
  CHECK_THAT(popyka::metrics::render_prometheus(registry(), slot), !Contains("popyka_slot_wal_status"));
}

TEST_CASE("a metrics address that is not host:port is named") {
  CHECK_THROWS_WITH(popyka::metrics::MetricsServer("localhost", nullptr), Contains("metrics listen address 'localhost': expected host:port"));
}

TEST_CASE("wal2json timestamps parse to microseconds since the epoch") {
  using popyka::metrics::parse_timestamp_us;
  CHECK(parse_timestamp_us("1970-01-01 00:00:01+00") == 1000000);
  CHECK(parse_timestamp_us("1970-01-01 01:00:00.25+01") == 250000);
  CHECK(parse_timestamp_us("1970-01-01 00:00:00-05:30") == (5 * 3600 + 30 * 60) * 1000000LL);
  CHECK_FALSE(parse_timestamp_us("yesterday"));
  CHECK_FALSE(parse_timestamp_us("2026-11-24 10:00:00"));  // no offset
}

TEST_CASE("JSON log lines escape the message") {
  popyka::runtime::JsonLogFormatter formatter;
  spdlog::memory_buf_t out;
  spdlog::details::log_msg message("popyka", spdlog::level::warn, "a \"quoted\"\nline\\");
  formatter.format(message, out);
  const std::string line(out.data(), out.size());
  CHECK_THAT(line, Contains(R"("level":"warning","message":"a \"quoted\"\nline\\"})"));
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
}

TEST_CASE("the initial snapshot's progress line: rows done, the estimate, rows/s and the ETA") {
  using popyka::metrics::snapshot_progress_line;
  CHECK(snapshot_progress_line("public.orders", 120000, 500000, 40000) ==
        "initial snapshot of public.orders: 120000 of ~500000 row(s) (24%), 40000 rows/s, ETA 10s");
  CHECK(snapshot_progress_line("public.orders", 0, 10000000, 2000) ==
        "initial snapshot of public.orders: 0 of ~10000000 row(s) (0%), 2000 rows/s, ETA 1h23m");
  CHECK(snapshot_progress_line("s.t", 1000, 200000, 1000) ==
        "initial snapshot of s.t: 1000 of ~200000 row(s) (0%), 1000 rows/s, ETA 3m19s");
  CHECK(snapshot_progress_line("s.t", 600, 500, 10) ==
        "initial snapshot of s.t: 600 of ~500 row(s) (100%), 10 rows/s, ETA any moment (past the estimate)");
  CHECK(snapshot_progress_line("s.t", 10, -1, 5) ==
        "initial snapshot of s.t: 10 of an unknown number of row(s) (never analyzed), 5 rows/s, ETA unknown");
  CHECK(snapshot_progress_line("s.t", 10, 100, 0) == "initial snapshot of s.t: 10 of ~100 row(s) (10%), 0 rows/s, ETA unknown");
}

TEST_CASE("/metrics shows the initial snapshot: running, and rows done and estimated per table") {
  auto& table = registry().snapshot.table("public.metrics \"t\"");
  table.estimated_rows.set(1500);
  table.rows.set(1234);
  registry().snapshot.running.set(1);
  std::string text = scrape();
  CHECK_THAT(text, Contains("# TYPE popyka_snapshot_running gauge\npopyka_snapshot_running 1\n"));
  CHECK_THAT(text, Contains("# TYPE popyka_snapshot_rows_total counter\n"));
  CHECK_THAT(text, Contains(R"(popyka_snapshot_rows_total{table="public.metrics \"t\""} 1234)"));
  CHECK_THAT(text, Contains(R"(popyka_snapshot_rows_estimated{table="public.metrics \"t\""} 1500)"));
  CHECK(&registry().snapshot.table("public.metrics \"t\"") == &table);  // one entry a table
  registry().snapshot.running.set(0);
  CHECK_THAT(scrape(), Contains("popyka_snapshot_running 0\n"));
}

TEST_CASE("the progress log writes a line for each table the initial snapshot is reading") {
  popyka::test::LogCapture log;
  auto& reading = registry().snapshot.table("public.progress_reading");
  reading.estimated_rows.set(1000000);
  reading.rows.set(250000);
  reading.state.set(popyka::metrics::SnapshotTable::reading);
  auto& done = registry().snapshot.table("public.progress_done");
  done.state.set(popyka::metrics::SnapshotTable::done);
  registry().snapshot.running.set(1);
  {
    const popyka::metrics::ProgressLog progress(std::chrono::seconds(1));
    CHECK(popyka::test::wait_until([&] { return log.contains("initial snapshot of public.progress_reading: 250000 of ~1000000 row(s) (25%)"); }));
  }
  registry().snapshot.running.set(0);
  reading.state.set(popyka::metrics::SnapshotTable::done);
  CHECK_FALSE(log.contains("initial snapshot of public.progress_done"));
}

TEST_CASE("/metrics and the progress log show incremental snapshots: running, chunks, rows and the estimate per table") {
  popyka::test::LogCapture log;
  auto& table = registry().incremental_snapshot.table("public.orders");
  table.estimated_rows.set(40000);
  table.rows.set(10240);
  table.chunks.set(10);
  table.state.set(popyka::metrics::SnapshotTable::reading);
  registry().incremental_snapshot.running.set(1);
  const std::string text = scrape();
  CHECK_THAT(text, Contains("# TYPE popyka_incremental_snapshot_running gauge\npopyka_incremental_snapshot_running 1\n"));
  CHECK_THAT(text, Contains(R"(popyka_incremental_snapshot_chunks_total{table="public.orders"} 10)"));
  CHECK_THAT(text, Contains(R"(popyka_incremental_snapshot_rows_total{table="public.orders"} 10240)"));
  CHECK_THAT(text, Contains(R"(popyka_incremental_snapshot_rows_estimated{table="public.orders"} 40000)"));
  CHECK_THAT(text, !Contains(R"(popyka_snapshot_rows_total{table="public.orders"})"));  // not the initial snapshot's
  {
    const popyka::metrics::ProgressLog progress(std::chrono::seconds(1));
    CHECK(popyka::test::wait_until([&] { return log.contains("incremental snapshot of public.orders: 10240 of ~40000 row(s) (26%)"); }));
  }
  registry().incremental_snapshot.running.set(0);
  table.state.set(popyka::metrics::SnapshotTable::done);
}
