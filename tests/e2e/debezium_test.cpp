// `format: debezium` through the real popyka-host program into the real popyka-mock-kafka (issue
// 20): initial snapshot rows (op r), then an insert, an update and a delete with its tombstone,
// read back with a real consumer; keys, envelopes and, with `schemas: true`, JsonConverter's
// schemas with Debezium's names; domains and defaults with wal2json and with pgoutput.
#include <catch2/catch.hpp>

#include <csignal>

#include "e2e_support.hpp"
#include "mock_kafka_process.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

namespace {

std::string debezium_config(std::string_view slot, std::string_view table, bool schemas) {
  std::string yaml = database_yaml(slot) +
                     "  snapshot: initial\n"
                     "  snapshot_tables: [public." + std::string(table) + "]\n"
                     "filters: []\n"
                     "processors:\n" +
                     kafka_processor_yaml("dbserver1.{schema}.{table}", "dbserver1.message");
  yaml +=
      "      format: debezium\n"
      "      topic_prefix: dbserver1\n"
      "      database_name: postgres\n";
  if (schemas) yaml += "      schemas: true\n";
  return yaml;
}

// Runs popyka-host on `table` (2 rows before it starts: snapshot rows), then inserts id 3,
// updates id 1 and deletes id 2; returns what the table's topic holds.
std::vector<Record> run(std::string_view slot, std::string_view table, bool schemas) {
  auto& cluster = PostgresCluster::shared();
  const std::string t(table);
  // dom: a domain (wal2json quotes its value), qty: a default (written in place of a NULL).
  cluster.exec("CREATE DOMAIN " + t + "_int AS integer;"
               "CREATE TABLE " + t + "(id int PRIMARY KEY, name text, price numeric(10,2), created timestamptz, dom " + t +
               "_int, qty int DEFAULT 7);"
               "INSERT INTO " + t + " VALUES (1, 'one', 12.50, '2024-05-01 10:00:00.123456+00', 4, 1), "
               "(2, 'two', NULL, NULL, NULL, NULL)");
  const std::string topic = "dbserver1.public." + t;
  MockKafkaProcess kafka({"--topic", topic + ":1", "--topic", "dbserver1.message:1"});
  TempDir dir;
  const auto config = dir.write("popyka.yaml", debezium_config(slot, table, schemas));
  HostProcess host(dir / "popyka.log", host_env(config, cluster, kafka.bootstrap_servers()));
  const bool streaming = host.wait_for_log("streaming replication slot", 40s);
  INFO(host.log());
  REQUIRE(streaming);
  cluster.exec("INSERT INTO " + t + " VALUES (3, 'three', -0.01, '2024-05-01 12:00:00+02', 5, NULL);"
               "UPDATE " + t + " SET name = 'uno' WHERE id = 1;"
               "DELETE FROM " + t + " WHERE id = 2");
  const Lsn end = parse_lsn(cluster.query_value("SELECT pg_current_wal_lsn()::text").value());
  REQUIRE(wait_confirmed(cluster, std::string(slot), end, 30s));
  host.signal(SIGTERM);
  CHECK(host.wait_exit(10s) == 0);
  return consume(kafka.bootstrap_servers(), topic, 6);
}

}  // namespace

TEST_CASE("format: debezium end to end: snapshot rows, insert, update, delete and its tombstone, keyed by the primary key") {
  const std::vector<Record> got = run("e2e_dbz", "dbz_items", false);
  REQUIRE(got.size() == 6);  // r, r, c, u, d, tombstone
  const std::vector<std::string> ops = {"\"r\"", "\"r\"", "\"c\"", "\"u\"", "\"d\""};
  const std::vector<std::string> keys = {R"({"id":1})", R"({"id":2})", R"({"id":3})", R"({"id":1})", R"({"id":2})", R"({"id":2})"};
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("message " << i << ": " << got[i].value);
    REQUIRE(got[i].key);
    CHECK(*got[i].key == keys[i]);
    if (i < ops.size()) {
      CHECK_FALSE(got[i].null_value);
      CHECK(json_at(got[i].value, "/op") == ops[i]);
      CHECK(json_at(got[i].value, "/source/connector") == R"("postgresql")");
      CHECK(json_at(got[i].value, "/source/name") == R"("dbserver1")");
      CHECK(json_at(got[i].value, "/source/db") == R"("postgres")");
      CHECK(json_at(got[i].value, "/source/table") == R"("dbz_items")");
      // Two snapshot rows: the first and the last.
      CHECK(json_at(got[i].value, "/source/snapshot") == (i == 0 ? R"("first")" : i < 2 ? R"("last")" : R"("false")"));
    }
  }
  // Values typed as Debezium maps them: numeric(10,2) as base64 of the unscaled value (1250,
  // -1), timestamptz as ISO-8601 in UTC.
  // A domain as its base type; a NULL of a column with a default as the default (JsonConverter's).
  CHECK(json_at(got[0].value, "/after") ==
        R"({"id":1,"name":"one","price":"BOI=","created":"2024-05-01T10:00:00.123456Z","dom":4,"qty":1})");
  CHECK(json_at(got[1].value, "/after") == R"({"id":2,"name":"two","price":null,"created":null,"dom":null,"qty":7})");
  // Snapshot rows: the snapshot transaction's id, the same for both.
  CHECK(json_at(got[0].value, "/source/txId") != "null");
  CHECK(json_at(got[0].value, "/source/txId") == json_at(got[1].value, "/source/txId"));
  CHECK(json_at(got[2].value, "/before") == "null");
  CHECK(json_at(got[2].value, "/after") ==
        R"({"id":3,"name":"three","price":"/w==","created":"2024-05-01T10:00:00.000000Z","dom":5,"qty":7})");
  CHECK(json_at(got[3].value, "/after/name") == R"("uno")");
  CHECK(json_at(got[3].value, "/source/txId") != "null");
  CHECK(json_at(got[3].value, "/source/lsn") != "null");
  // Debezium 2.6 on: source.ts_us from the commit time (wal2json's microseconds), ts_ns from it.
  const std::string ts_us = json_at(got[3].value, "/source/ts_us");
  CHECK(ts_us.substr(0, ts_us.size() - 3) == json_at(got[3].value, "/source/ts_ms"));
  CHECK(json_at(got[3].value, "/source/ts_ns") == ts_us + "000");
  CHECK(json_at(got[3].value, "/ts_ns") != "<missing>");
  CHECK(json_at(got[4].value, "/before/id") == "2");
  CHECK(json_at(got[4].value, "/after") == "null");
  CHECK(got[5].null_value);  // the tombstone: same key, no value
}

TEST_CASE("format: debezium end to end with schemas: true: JsonConverter's schema and payload, Debezium's schema names, "
          "NOT NULL columns required with wal2json too") {
  const std::vector<Record> got = run("e2e_dbz_schemas", "dbz_schemas", true);
  REQUIRE(got.size() == 6);
  for (std::size_t i = 0; i < 5; ++i) {
    INFO("message " << i << ": " << got[i].value);
    REQUIRE(got[i].key);
    CHECK(json_at(*got[i].key, "/schema/name") == R"("dbserver1.public.dbz_schemas.Key")");
    CHECK(json_at(*got[i].key, "/schema/fields/0") == R"({"type":"int32","optional":false,"field":"id"})");
    CHECK(json_at(got[i].value, "/schema/name") == R"("dbserver1.public.dbz_schemas.Envelope")");
    CHECK(json_at(got[i].value, "/schema/fields/0/name") == R"("dbserver1.public.dbz_schemas.Value")");
    // wal2json's text does not say NOT NULL: the catalog does.
    CHECK(json_at(got[i].value, "/schema/fields/0/fields/0") == R"({"type":"int32","optional":false,"field":"id"})");
    CHECK(json_at(got[i].value, "/schema/fields/0/fields/1") == R"({"type":"string","optional":true,"field":"name"})");
    CHECK(json_at(got[i].value, "/schema/fields/0/fields/2/name") == R"("org.apache.kafka.connect.data.Decimal")");
    CHECK(json_at(got[i].value, "/schema/fields/0/fields/2/parameters") == R"({"scale":"2","connect.decimal.precision":"10"})");
    CHECK(json_at(got[i].value, "/schema/fields/0/fields/3/name") == R"("io.debezium.time.ZonedTimestamp")");
    CHECK(json_at(got[i].value, "/schema/fields/0/fields/4") == R"({"type":"int32","optional":true,"field":"dom"})");
    CHECK(json_at(got[i].value, "/schema/fields/0/fields/5") == R"({"type":"int32","optional":true,"default":7,"field":"qty"})");
    CHECK(json_at(got[i].value, "/schema/fields/2/name") == R"("io.debezium.connector.postgresql.Source")");
  }
  CHECK(json_at(*got[0].key, "/payload") == R"({"id":1})");
  CHECK(json_at(got[0].value, "/payload/op") == R"("r")");
  CHECK(json_at(got[2].value, "/payload/after/price") == R"("/w==")");
  CHECK(json_at(got[4].value, "/payload/op") == R"("d")");
  CHECK(got[5].null_value);
  CHECK(json_at(*got[5].key, "/payload") == R"({"id":2})");
}

TEST_CASE("format: debezium end to end with pgoutput and schemas: true: NOT NULL columns required, enums and their "
          "arrays with their labels, snapshot rows first, true, last with the snapshot's txId, NaN and infinities as Debezium's, "
          "domains as their base type, defaults in the schema and in place of a NULL") {
  auto& cluster = PostgresCluster::shared();
  // dbz_snap is snapshotted, dbz_stream only streamed: each path's details (the snapshot's plan,
  // pgoutput's catalog) make its schemas and tell a NaN from a NULL.
  // Both have domains (their base type's schema and value) and defaults (in the schema, and in
  // place of a NULL: JsonConverter's replace.null.with.default).
  cluster.exec("CREATE TYPE dbz_mood AS ENUM ('sad', 'ok', 'happy');"
               "CREATE DOMAIN dbz_int AS integer; CREATE DOMAIN dbz_bits AS bit(3);"
               "CREATE TABLE dbz_snap(id serial PRIMARY KEY, name text NOT NULL, mood dbz_mood, note text, moods dbz_mood[], "
               "n numeric, d float8, dom dbz_int, b3 dbz_bits, qty int DEFAULT 7, made timestamp DEFAULT now());"
               "CREATE TABLE dbz_stream(id serial PRIMARY KEY, name text NOT NULL, mood dbz_mood NOT NULL, note text, "
               "moods dbz_mood[] NOT NULL, n numeric, d float8, dom dbz_int, b3 dbz_bits, qty int DEFAULT 7, "
               "made timestamp DEFAULT now());"
               "INSERT INTO dbz_snap VALUES (1, 'a', 'happy', NULL, '{sad,happy}', 'NaN', '-Infinity', 5, '101', NULL), "
               "(2, 'b', NULL, 'x', NULL, 1.50, NULL, NULL, NULL, DEFAULT), (3, 'c', 'sad', NULL, '{}', NULL, 2.5, NULL, NULL, 3);"
               "CREATE PUBLICATION dbz_details FOR TABLE dbz_snap, dbz_stream");
  MockKafkaProcess kafka({"--topic", "dbserver1.public.dbz_snap:1", "--topic", "dbserver1.public.dbz_stream:1"});
  TempDir dir;
  const auto config = dir.write(
      "popyka.yaml", database_yaml("e2e_dbz_details", "pgoutput") +
                         "  publication: dbz_details\n"
                         "  snapshot: initial\n"
                         "  snapshot_tables: [public.dbz_snap]\n"
                         "filters: []\n"
                         "processors:\n" +
                         kafka_processor_yaml("dbserver1.{schema}.{table}") +
                         "      format: debezium\n"
                         "      topic_prefix: dbserver1\n"
                         "      database_name: postgres\n"
                         "      decimal_handling_mode: string\n"
                         "      schemas: true\n");
  HostProcess host(dir / "popyka.log", host_env(config, cluster, kafka.bootstrap_servers()));
  const bool streaming = host.wait_for_log("streaming replication slot", 40s);
  INFO(host.log());
  REQUIRE(streaming);
  cluster.exec("INSERT INTO dbz_stream VALUES (1, 'd', 'ok', NULL, '{ok}', '-Infinity', 'NaN', 6, '011', NULL)");
  const Lsn end = parse_lsn(cluster.query_value("SELECT pg_current_wal_lsn()::text").value());
  REQUIRE(wait_confirmed(cluster, "e2e_dbz_details", end, 30s));
  host.signal(SIGTERM);
  CHECK(host.wait_exit(10s) == 0);

  const std::vector<Record> snap = consume(kafka.bootstrap_servers(), "dbserver1.public.dbz_snap", 3);
  REQUIRE(snap.size() == 3);
  const std::vector<Record> stream = consume(kafka.bootstrap_servers(), "dbserver1.public.dbz_stream", 1);
  REQUIRE(stream.size() == 1);
  const char* markers[] = {R"("first")", R"("true")", R"("last")"};
  for (std::size_t i = 0; i < snap.size(); ++i) {
    INFO("snapshot row " << i << ": " << snap[i].value);
    CHECK(json_at(snap[i].value, "/payload/source/snapshot") == markers[i]);
    CHECK(json_at(snap[i].value, "/payload/source/txId") != "null");
    CHECK(json_at(snap[i].value, "/schema/fields/1/fields/1") == R"({"type":"string","optional":false,"field":"name"})");
    CHECK(json_at(snap[i].value, "/schema/fields/1/fields/2") ==
          R"({"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"sad,ok,happy"},"field":"mood"})");
    CHECK(json_at(snap[i].value, "/schema/fields/1/fields/3") == R"({"type":"string","optional":true,"field":"note"})");
    CHECK(json_at(snap[i].value, "/schema/fields/1/fields/4") ==
          R"({"type":"array","items":{"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"sad,ok,happy"}},"optional":true,"field":"moods"})");
  }
  CHECK(json_at(snap[0].value, "/payload/after/mood") == R"("happy")");
  CHECK(json_at(snap[0].value, "/payload/after/moods") == R"(["sad","happy"])");
  CHECK(json_at(snap[0].value, "/payload/after/n") == R"("NAN")");
  CHECK(json_at(snap[0].value, "/payload/after/d") == R"("-Infinity")");
  CHECK(json_at(snap[1].value, "/payload/after/n") == R"("1.50")");
  CHECK(json_at(snap[1].value, "/payload/after/d") == "null");
  // The streamed and the snapshotted table alike: domains, defaults, a serial key's 0.
  for (const Record* r : {&snap[0], &stream[0]}) {
    INFO(r->value);
    CHECK(json_at(r->value, "/schema/fields/1/fields/7") == R"({"type":"int32","optional":true,"field":"dom"})");
    CHECK(json_at(r->value, "/schema/fields/1/fields/8") ==
          R"({"type":"bytes","optional":true,"name":"io.debezium.data.Bits","version":1,"parameters":{"length":"3"},"field":"b3"})");
    CHECK(json_at(r->value, "/schema/fields/1/fields/9") == R"({"type":"int32","optional":true,"default":7,"field":"qty"})");
    CHECK(json_at(r->value, "/schema/fields/1/fields/10") ==
          R"({"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"default":0,"field":"made"})");
    CHECK(json_at(r->value, "/payload/after/qty") == "7");  // NULL inserted: written as the default
    REQUIRE(r->key);
    CHECK(json_at(*r->key, "/schema/fields/0") == R"({"type":"int32","optional":false,"default":0,"field":"id"})");
  }
  CHECK(json_at(snap[0].value, "/payload/after/dom") == "5");
  CHECK(json_at(snap[0].value, "/payload/after/b3") == R"("BQ==")");
  CHECK(json_at(stream[0].value, "/payload/after/dom") == "6");
  CHECK(json_at(stream[0].value, "/payload/after/b3") == R"("Aw==")");

  INFO(stream[0].value);
  CHECK(json_at(stream[0].value, "/payload/op") == R"("c")");
  CHECK(json_at(stream[0].value, "/payload/after/n") == R"("NEGATIVE_INFINITY")");
  CHECK(json_at(stream[0].value, "/payload/after/d") == R"("NaN")");
  CHECK(json_at(stream[0].value, "/schema/fields/1/fields/1") == R"({"type":"string","optional":false,"field":"name"})");
  CHECK(json_at(stream[0].value, "/schema/fields/1/fields/2") ==
        R"({"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"sad,ok,happy"},"field":"mood"})");
  CHECK(json_at(stream[0].value, "/schema/fields/1/fields/3") == R"({"type":"string","optional":true,"field":"note"})");
  CHECK(json_at(stream[0].value, "/schema/fields/1/fields/4") ==
        R"({"type":"array","items":{"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"sad,ok,happy"}},"optional":false,"field":"moods"})");
  CHECK(json_at(stream[0].value, "/payload/after/moods") == R"(["ok"])");
}
