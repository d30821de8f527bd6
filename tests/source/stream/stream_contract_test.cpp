// What stream_changes() hands the consumer equals what wal2json itself emits for the same WAL
// (read with pg_logical_slot_peek_changes on a second slot with the same options), change for
// change, LSN for LSN.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "background_stream.hpp"
#include "stream_checks.hpp"
#include "contract_workload.hpp"
#include "popyka/sdk/change.hpp"

using namespace popyka;
using namespace popyka::test;

TEST_CASE("the consumer receives exactly what wal2json emits change for change with each change's LSN") {
  auto& cluster = PostgresCluster::shared();
  for (const auto& statement : contract_schema) cluster.exec(statement);
  // Both slots exist before the workload, so both see the same WAL; the stream's slot exists
  // already, so stream_changes() uses it as it is.
  cluster.exec("SELECT pg_create_logical_replication_slot('contract_stream', 'wal2json')");
  cluster.exec("SELECT pg_create_logical_replication_slot('contract_reference', 'wal2json')");
  for (const auto& statement : contract_workload) cluster.exec(statement);
  cluster.exec(end_of_stream_sql);

  RecordingConsumer consumer;
  BackgroundStream stream(database_spec(cluster, "contract_stream"), consumer);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  auto expected = cluster.query("SELECT lsn::text, data FROM pg_logical_slot_peek_changes('contract_reference', NULL, NULL, " +
                                host_wal2json_options_sql + ")");
  REQUIRE(expected.size() > 1);
  expected.pop_back();  // the end-of-stream message, which the consumer does not record
  const auto received = consumer.received();
  REQUIRE(received.size() == expected.size());
  for (std::size_t i = 0; i < received.size(); ++i) {
    INFO("message " << i);
    CHECK(sdk::format_lsn(received[i].lsn) == *expected[i][0]);
    CHECK(received[i].json == *expected[i][1]);
  }

  // The workload did reach the stream, with the host's options in effect.
  CHECK(any_contains(received, R"("action":"T")"));
  CHECK(any_contains(received, R"("table":"trunc_a")"));
  CHECK(any_contains(received, R"("table":"trunc_b")"));
  CHECK(any_contains(received, "123456789012345678901234567890.123456789"));
  CHECK(any_contains(received, "żółć 日本 🎉"));
  CHECK(any_contains(received, std::string(5000, 'x')));
  CHECK(any_contains(received, R"("pk":[{"name":"a","type":"integer"},{"name":"b","type":"text"}])"));
  CHECK(any_contains(received, R"("content":"non-transactional, rolled back")"));
  CHECK_FALSE(any_contains(received, R"("content":"transactional, rolled back")"));
  CHECK_FALSE(any_contains(received, "\"rolled back\""));
  CHECK(any_contains(received, R"("xid":)"));
  CHECK(any_contains(received, R"("timestamp":)"));
}

TEST_CASE("a URI connect_url works as well as the key=value form") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE uri_form(id int PRIMARY KEY)");
  auto spec = database_spec(cluster, "uri_form");
  spec.connect_url = cluster.uri();

  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, "uri_form"));
  cluster.exec("INSERT INTO uri_form VALUES (7)");
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  CHECK(any_contains(consumer.received(), R"("columns":[{"name":"id","type":"integer","value":7}])"));
  CHECK(cluster.query_value("SELECT plugin FROM pg_replication_slots WHERE slot_name = 'uri_form'") == "wal2json");
}
