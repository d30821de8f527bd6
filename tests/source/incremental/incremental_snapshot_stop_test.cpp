// A stop request in the middle of an incremental snapshot: stream_changes() returns having
// confirmed nothing past the current chunk's low watermark, so the server sends that watermark
// (and its state) to the next run, which resumes there. Its own program: a stop request lasts
// until the process ends.
#include <catch2/catch.hpp>

#include <string>

#include "background_stream.hpp"
#include "metrics/metrics_registry.hpp"

using namespace popyka;
using namespace popyka::test;

TEST_CASE("a stop in the middle of an incremental snapshot leaves its current low watermark to the next run") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE inc_stopped(id int PRIMARY KEY, v text); "
               "INSERT INTO inc_stopped SELECT g, 'row ' || g FROM generate_series(1, 3000) g");
  auto spec = database_spec(cluster, "inc_stopped_slot");
  spec.snapshot_chunk_size = 100;
  // The stop comes with the 1000th row, on the stream's thread: a snapshot of 3,000 rows can
  // take 12 ms, faster than a test thread polling the progress could stop it.
  StoppingConsumer consumer(1000, R"("action":"R")");
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  cluster.exec("SELECT pg_logical_emit_message(false, 'popyka.signal', "
               "'{\"data-collections\": [\"public.inc_stopped\"], \"type\": \"incremental\"}')");
  REQUIRE(stream.wait() == BackgroundStream::Ending::returned);
  auto& progress = metrics::registry().incremental_snapshot.table("public.inc_stopped");
  CHECK(progress.rows.value() >= 1000);
  CHECK(progress.rows.value() < 3000);

  // What the next run gets first: the low watermark of a chunk in the middle of the table.
  const auto watermarks = cluster.query(
      "SELECT data FROM pg_logical_slot_peek_changes('inc_stopped_slot', NULL, NULL, 'format-version', '2') "
      "WHERE data LIKE '%\"prefix\":\"popyka.watermark\"%' LIMIT 1");
  REQUIRE(watermarks.size() == 1);
  const std::string& first = *watermarks.front()[0];
  INFO(first);
  CHECK(first.find(R"(\"kind\":\"low\")") != std::string::npos);
  CHECK(first.find(R"(\"last_key\":null)") == std::string::npos);  // not the table's start
  CHECK(first.find(R"(\"table\":\"public.inc_stopped\")") != std::string::npos);
}
