// A stop request ends stream_changes() cleanly: outstanding deliveries finish, what is done is
// confirmed to the slot, and it returns. A stop request lasts for the whole program, so this
// program holds this one test.
#include <catch2/catch.hpp>

#include <string>

#include "background_stream.hpp"

using namespace popyka;
using namespace popyka::test;

TEST_CASE("on stop deliveries finish and the slot's confirmed_flush_lsn covers the last change consumed", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE stopping(id int PRIMARY KEY)");
  RecordingConsumer consumer(/*asynchronous=*/true);
  auto spec = database_spec(cluster, "created_by_stream");
  spec.status_interval_s = 60;  // only the final status confirms anything
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, "created_by_stream"));  // it created the missing slot

  for (int id = 1; id <= 20; ++id) cluster.exec("INSERT INTO stopping VALUES (" + std::to_string(id) + ")");
  REQUIRE(consumer.wait_until([](const auto& received) {
    return !received.empty() && received.back().json.find(R"("action":"C")") != std::string::npos &&
           received.size() == 20 * 3;  // B, I, C per transaction
  }));
  const sdk::Lsn last_consumed = consumer.received().back().lsn;

  const auto asked = std::chrono::steady_clock::now();
  runtime::request_stop();
  REQUIRE(stream.wait(std::chrono::seconds(20)) == BackgroundStream::Ending::returned);
  CHECK(std::chrono::steady_clock::now() - asked < std::chrono::seconds(5));

  CHECK_FALSE(consumer.has_pending());
  CHECK(consumer.checkpoint() == last_consumed);
  CHECK(cluster.query_value("SELECT confirmed_flush_lsn >= '" + sdk::format_lsn(last_consumed) +
                            "' FROM pg_replication_slots WHERE slot_name = 'created_by_stream'") == "t");
  CHECK(cluster.query_value("SELECT plugin FROM pg_replication_slots WHERE slot_name = 'created_by_stream'") ==
        PostgresCluster::test_output_plugin());
}
