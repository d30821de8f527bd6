// output_plugin: pgoutput gives the consumer the changes wal2json gives: the same WAL streamed
// through a wal2json slot and a pgoutput slot, compared message for message.
//
// Every pgoutput test runs in a database of its own: a FOR ALL TABLES publication makes
// PostgreSQL refuse UPDATE and DELETE on tables without a replica identity, which other tests of
// this program do in database postgres.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "contract_workload.hpp"
#include "plugin_comparison.hpp"
#include "stream_checks.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// After the contract workload: unchanged TOAST and ALTER TABLE mid-stream.
const std::vector<std::string> extra_workload = {
    // EXTERNAL: stored out of line uncompressed, so 3200 characters are TOASTed for sure.
    "CREATE TABLE toasted(id int PRIMARY KEY, big text, n int)",
    "ALTER TABLE toasted ALTER COLUMN big SET STORAGE EXTERNAL",
    "INSERT INTO toasted SELECT 1, string_agg(md5(i::text), ''), 0 FROM generate_series(1, 100) i",
    "UPDATE toasted SET n = 1",  // big: unchanged TOAST, left out by both plugins
    "DELETE FROM toasted",
    "CREATE TABLE altered(id int PRIMARY KEY, a text)",
    "INSERT INTO altered VALUES (1, 'before')",
    "BEGIN; INSERT INTO altered VALUES (2, 'same transaction'); "
    "ALTER TABLE altered ADD COLUMN b numeric(10,2) DEFAULT 1.5; INSERT INTO altered VALUES (3, 'after', 2.25); COMMIT",
    "ALTER TABLE altered RENAME COLUMN a TO a2",
    "ALTER TABLE altered ALTER COLUMN id TYPE bigint",
    "UPDATE altered SET a2 = 'renamed' WHERE id = 1",
    "ALTER TABLE altered DROP COLUMN b",
    "INSERT INTO altered VALUES (4, 'b dropped')",
    "SELECT pg_logical_emit_message(false, 'pfx', E'tab\\there')",
};

}  // namespace

TEST_CASE("pgoutput gives the consumer what wal2json gives for the contract workload, ALTER TABLE and TOAST") {
  std::vector<std::string> schema = contract_schema;
  // Not in the output, in the workload: under a publication that publishes updates and deletes,
  // PostgreSQL refuses UPDATE/DELETE on a table without a replica identity (allowed difference
  // 4); the keyless table gets REPLICA IDENTITY FULL, for both plugins (same WAL).
  schema.push_back("ALTER TABLE no_key REPLICA IDENTITY FULL");
  std::vector<std::string> workload = contract_workload;
  workload.insert(workload.end(), extra_workload.begin(), extra_workload.end());
  // A walsender TimeZone that is not UTC: commit times must print alike too.
  const auto streams = stream_through_both("pgoutput_contract", schema, workload, "Asia/Kolkata");
  const auto& received = streams.pgoutput;
  check_same_messages(streams.wal2json, received);

  // The workload reached the stream: its hard cases, decoded by pgoutput.
  CHECK(any_contains(received, R"("table":"trunc_b")"));
  CHECK(any_contains(received, "123456789012345678901234567890.123456789"));
  CHECK(any_contains(received, "żółć 日本 🎉"));
  CHECK(any_contains(received, R"("pk":[{"name":"a","type":"integer"},{"name":"b","type":"text"}])"));
  CHECK(any_contains(received, R"("content":"committed transactional")"));
  CHECK(any_contains(received, R"("content":"non-transactional, rolled back")"));
  CHECK_FALSE(any_contains(received, "\"rolled back\""));
  CHECK(any_contains(received, R"("timestamp":")"));
  CHECK(any_contains(received, R"(+05:30")"));
  // Unchanged TOAST: the column is left out of the update (as wal2json does).
  CHECK(any_contains(received, R"("action":"U")"));
  CHECK(any_contains(received, R"("table":"toasted","columns":[{"name":"id","type":"integer","value":1},)"
                               R"({"name":"n","type":"integer","value":1}],"identity")"));
  // ALTER TABLE mid-stream, also inside one transaction.
  CHECK(any_contains(received, R"j({"name":"b","type":"numeric(10,2)","value":2.25})j"));
  CHECK(any_contains(received, R"({"name":"a2","type":"text","value":"renamed"})"));
  CHECK(any_contains(received, R"("columns":[{"name":"id","type":"bigint","value":4},{"name":"a2","type":"text","value":"b dropped"}])"));
}

TEST_CASE("pgoutput: the slot and the publication are created, then used as they are", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  const std::string db = "pgoutput_create";
  cluster.create_database(db);
  cluster.exec("CREATE TABLE t(id int PRIMARY KEY, v text)", db);
  auto spec = spec_for(cluster, db, "pgo_created", Plugin::pgoutput);
  spec.publication = "cdc_all";
  {
    RecordingConsumer consumer;
    BackgroundStream stream(spec, consumer);
    REQUIRE(wait_until_streaming(cluster, "pgo_created"));
    cluster.exec("INSERT INTO t VALUES (1, 'one')", db);
    cluster.exec(end_of_stream_sql, db);
    REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
    CHECK(any_contains(consumer.received(), R"("columns":[{"name":"id","type":"integer","value":1},{"name":"v","type":"text","value":"one"}])"));
  }
  CHECK(cluster.query_value("SELECT plugin FROM pg_replication_slots WHERE slot_name = 'pgo_created'") == "pgoutput");
  CHECK(cluster.query_value("SELECT puballtables FROM pg_publication WHERE pubname = 'cdc_all'", db) == "t");
  // Both exist now and are used as they are (the end-of-stream message was never done, so it
  // comes again and ends this run too).
  (void)stream_slot(spec);
  CHECK(cluster.query_value("SELECT count(*) FROM pg_publication", db) == "1");
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'pgo_created'") == "1");
}

TEST_CASE("pgoutput: a slot of the other plugin, or a publication the role may not create, is a one-line error") {
  auto& cluster = PostgresCluster::shared();
  const std::string db = "pgoutput_errors";
  cluster.create_database(db);
  cluster.exec("SELECT pg_create_logical_replication_slot('pgo_wal2json_slot', 'wal2json')", db);
  CHECK_THAT(replication_error(spec_for(cluster, db, "pgo_wal2json_slot", Plugin::pgoutput)),
             Catch::Contains("replication slot \"pgo_wal2json_slot\" exists but uses output plugin wal2json (not pgoutput)") &&
                 Catch::Contains("output_plugin: wal2json"));
  CHECK(cluster.query_value("SELECT count(*) FROM pg_publication", db) == "0");  // none made for a slot refused
  cluster.exec("CREATE PUBLICATION popyka FOR ALL TABLES", db);
  cluster.exec("SELECT pg_create_logical_replication_slot('pgo_pgoutput_slot', 'pgoutput')", db);
  CHECK_THAT(replication_error(spec_for(cluster, db, "pgo_pgoutput_slot", Plugin::wal2json)),
             Catch::Contains("exists but uses output plugin pgoutput (not wal2json)") &&
                 Catch::Contains("output_plugin: pgoutput"));

  // A REPLICATION role that is not a superuser may not create a FOR ALL TABLES publication.
  cluster.create_role("pgo_streamer", "secret", true);
  auto spec = spec_for(cluster, db, "pgo_by_role", Plugin::pgoutput);
  spec.connect_url = cluster.dsn("pgo_streamer", "secret", db);
  spec.publication = "not_there";
  CHECK_THAT(replication_error(spec),
             Catch::Contains("publication \"not_there\" does not exist and popyka cannot create it") &&
                 Catch::Contains("CREATE PUBLICATION not_there FOR ALL TABLES; as a superuser in database \"pgoutput_errors\""));
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'pgo_by_role'") == "0");
  // Once a superuser made it, the same role streams.
  cluster.exec("CREATE PUBLICATION not_there FOR ALL TABLES", db);
  cluster.exec("CREATE TABLE by_role(id int PRIMARY KEY)", db);
  cluster.exec("GRANT SELECT ON by_role TO pgo_streamer", db);
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, "pgo_by_role"));
  cluster.exec("INSERT INTO by_role VALUES (42)", db);
  cluster.exec(end_of_stream_sql, db);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  CHECK(any_contains(consumer.received(), R"("columns":[{"name":"id","type":"integer","value":42}])"));
}

TEST_CASE("pgoutput: an initial snapshot works as with wal2json (R rows, then the stream)", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  const std::string db = "pgoutput_snapshot";
  cluster.create_database(db);
  cluster.exec("CREATE TABLE existing(id int PRIMARY KEY, v text); INSERT INTO existing VALUES (1, 'old'), (2, 'older')", db);
  auto spec = spec_for(cluster, db, "pgo_snapshot", Plugin::pgoutput);
  spec.snapshot = config::DatabaseSpec::Snapshot::initial;
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, "pgo_snapshot"));
  cluster.exec("INSERT INTO existing VALUES (3, 'new')", db);
  cluster.exec(end_of_stream_sql, db);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  const auto received = consumer.received();
  REQUIRE(received.size() == 5);  // R, R, B, I, C
  CHECK(received[0].json ==
        R"({"action":"R","schema":"public","table":"existing","columns":[{"name":"id","type":"integer","value":1},)"
        R"({"name":"v","type":"text","value":"old"}],"pk":[{"name":"id","type":"integer"}]})");
  CHECK(is_action(received[1], 'R'));
  CHECK(is_action(received[2], 'B'));
  CHECK(received[3].json.find(R"("action":"I")") != std::string::npos);
  CHECK(received[3].json.find(R"("value":"new")") != std::string::npos);
  CHECK(cluster.query_value("SELECT plugin FROM pg_replication_slots WHERE slot_name = 'pgo_snapshot'") == "pgoutput");
}
