// What stream_changes() hands the consumer equals what wal2json itself emits for the same WAL
// (read with pg_logical_slot_peek_changes on a second slot with the same options), change for
// change, LSN for LSN.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "background_stream.hpp"
#include "popyka/sdk/change.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

const std::vector<std::string> schema = {
    "CREATE TABLE no_key(name text, n int)",
    "CREATE TABLE with_pk(id int PRIMARY KEY, name text)",
    "CREATE TABLE composite(a int, b text, v text, PRIMARY KEY (a, b))",
    "CREATE TABLE full_identity(id int PRIMARY KEY, v text)",
    "ALTER TABLE full_identity REPLICA IDENTITY FULL",
    "CREATE TABLE typed(id serial PRIMARY KEY, amount numeric, txt text, tags text[], doc jsonb, flag boolean, "
    "ratio float8, big bigint)",
    "CREATE TABLE trunc_a(x int)",
    "CREATE TABLE trunc_b(y int)",
};

// One transaction per entry.
const std::vector<std::string> workload = {
    "INSERT INTO no_key VALUES ('a', 1), ('b', 2)",
    "UPDATE no_key SET n = 3 WHERE name = 'a'",
    "DELETE FROM no_key WHERE name = 'b'",
    "INSERT INTO with_pk VALUES (1, 'one'), (2, 'two')",
    "UPDATE with_pk SET name = 'uno' WHERE id = 1",
    "UPDATE with_pk SET id = 10 WHERE id = 2",  // the key itself changes
    "DELETE FROM with_pk WHERE id = 1",
    "INSERT INTO composite VALUES (1, 'x', 'v1'), (2, 'y', 'v2')",
    "UPDATE composite SET v = 'v1b' WHERE a = 1 AND b = 'x'",
    "UPDATE composite SET b = 'z' WHERE a = 2",
    "DELETE FROM composite WHERE a = 1",
    "INSERT INTO full_identity VALUES (1, 'f')",
    "UPDATE full_identity SET v = 'g'",
    "DELETE FROM full_identity",
    "INSERT INTO typed(amount, txt, tags, doc, flag, ratio, big) VALUES "
    "(123456789012345678901234567890.123456789, 'unicode: żółć 日本 🎉', '{a,\"b c\",NULL}', "
    "'{\"k\": [1, 2, {\"n\": null}], \"s\": \"q\\\"uote\"}', true, 0.1, 9223372036854775807)",
    "INSERT INTO typed(amount, txt) VALUES (NULL, E'quotes '' \" backslash \\\\ newline \\n tab \\t end')",
    "INSERT INTO typed(amount, txt, tags, doc, flag, ratio, big) VALUES "
    "(-0.000000000000000000001, repeat('x', 5000), '{}', '[]', false, 'NaN', -1)",
    "UPDATE typed SET flag = NULL WHERE amount < 0",  // the 5 kB value is TOASTed and unchanged
    "INSERT INTO trunc_a VALUES (1); INSERT INTO trunc_b VALUES (2)",
    "TRUNCATE trunc_a, trunc_b",
    "SELECT pg_logical_emit_message(true, 'pfx', 'committed transactional')",
    "SELECT pg_logical_emit_message(false, 'pfx', 'non-transactional')",
    "BEGIN; INSERT INTO with_pk VALUES (99, 'rolled back'); "
    "SELECT pg_logical_emit_message(true, 'pfx', 'transactional, rolled back'); "
    "SELECT pg_logical_emit_message(false, 'pfx', 'non-transactional, rolled back'); ROLLBACK",
};

// The options stream_changes() adds itself, as SQL arguments.
const std::string host_options = "'format-version', '2', 'include-pk', '1', 'include-xids', '1', 'include-timestamp', '1'";

bool any_contains(const std::vector<ReceivedMessage>& messages, std::string_view text) {
  for (const auto& message : messages) {
    if (message.json.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the consumer receives exactly what wal2json emits change for change with each change's LSN") {
  auto& cluster = PostgresCluster::shared();
  for (const auto& statement : schema) cluster.exec(statement);
  // Both slots exist before the workload, so both see the same WAL; the stream's slot exists
  // already, so stream_changes() uses it as it is.
  cluster.exec("SELECT pg_create_logical_replication_slot('contract_stream', 'wal2json')");
  cluster.exec("SELECT pg_create_logical_replication_slot('contract_reference', 'wal2json')");
  for (const auto& statement : workload) cluster.exec(statement);
  cluster.exec(end_of_stream_sql);

  RecordingConsumer consumer;
  BackgroundStream stream(database_spec(cluster, "contract_stream"), consumer);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  auto expected = cluster.query("SELECT lsn::text, data FROM pg_logical_slot_peek_changes('contract_reference', NULL, NULL, " +
                                host_options + ")");
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
  REQUIRE(wait_until_slot_active(cluster, "uri_form"));
  cluster.exec("INSERT INTO uri_form VALUES (7)");
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  CHECK(any_contains(consumer.received(), R"("columns":[{"name":"id","type":"integer","value":7}])"));
  CHECK(cluster.query_value("SELECT plugin FROM pg_replication_slots WHERE slot_name = 'uri_form'") == "wal2json");
}
