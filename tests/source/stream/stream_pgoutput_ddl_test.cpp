// pgoutput under DDL run before popyka-host reads the slot (a consumer that lags or restarts):
// `pk` and type names as of the change, as wal2json gives them, not as the catalog is now.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "plugin_comparison.hpp"
#include "stream_checks.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("pgoutput: pk is the key as of the change (renamed, dropped table, key added later)") {
  const auto streams = stream_through_both(
      "pgoutput_ddl_pk", {},
      {
          "CREATE TABLE r1 (a int, d boolean, PRIMARY KEY (a, d))",
          "INSERT INTO r1 VALUES (1, true)",
          "ALTER TABLE r1 RENAME COLUMN d TO f",
          "CREATE TABLE r2 (id int PRIMARY KEY, v text)",
          "INSERT INTO r2 VALUES (1, 'gone')",
          "DROP TABLE r2",
          "CREATE TABLE r4 (id int, v text)",
          "INSERT INTO r4 VALUES (1, 'before the key')",
          "ALTER TABLE r4 ADD PRIMARY KEY (id)",
          "INSERT INTO r4 VALUES (2, 'after the key')",
      });
  check_same_messages(streams.wal2json, streams.pgoutput);
  const auto& received = streams.pgoutput;
  CHECK(any_contains(received, R"("table":"r1","columns":[{"name":"a","type":"integer","value":1},)"
                               R"({"name":"d","type":"boolean","value":true}],)"
                               R"("pk":[{"name":"a","type":"integer"},{"name":"d","type":"boolean"}]})"));
  CHECK(any_contains(received, R"("value":"gone"}],"pk":[{"name":"id","type":"integer"}]})"));
  CHECK(any_contains(received, R"("value":"before the key"}],"pk":[]})"));
  CHECK(any_contains(received, R"("value":"after the key"}],"pk":[{"name":"id","type":"integer"}]})"));
}

TEST_CASE("pgoutput: types dropped before popyka reads are named from the stream, typmods kept") {
  const auto streams = stream_through_both(
      "pgoutput_ddl_types", {"CREATE SCHEMA elsewhere"},
      {
          "CREATE DOMAIN r3_dom AS bigint",
          "CREATE TYPE r3_mood AS ENUM ('ok', 'sad')",
          "CREATE TYPE elsewhere.r3_pair AS (x int, y text)",
          "CREATE TABLE r3 (id int PRIMARY KEY, v r3_dom, m r3_mood, p elsewhere.r3_pair, n numeric(10,2), "
          "c character varying(20), b bit(5), t timestamp(3) with time zone, i interval minute)",
          "INSERT INTO r3 VALUES (1, 3, 'sad', ROW(1, 'one'), 12.5, 'twenty', B'10101', "
          "'2024-01-02 03:04:05.123456+00', '90 seconds')",  // interval minute keeps whole minutes
          "DROP TABLE r3",
          "DROP DOMAIN r3_dom",
          "DROP TYPE r3_mood",
          "DROP TYPE elsewhere.r3_pair",
      });
  // Allowed difference 6: PostgreSQL 15's Type message names a domain by its base type, so a
  // domain dropped before popyka reads the change is named by its base type (`bigint`), where
  // wal2json names the domain. Enums, composites and every built-in type keep their names.
  auto expected = streams.wal2json;
  for (auto& message : expected) message.json = replaced(message.json, R"("type":"r3_dom")", R"("type":"bigint")");
  check_same_messages(expected, streams.pgoutput);
  CHECK(any_contains(streams.wal2json, R"({"name":"v","type":"r3_dom","value":"3"})"));
  const auto& received = streams.pgoutput;
  CHECK(any_contains(received, R"({"name":"v","type":"bigint","value":"3"})"));
  CHECK(any_contains(received, R"({"name":"m","type":"r3_mood","value":"sad"})"));
  CHECK(any_contains(received, R"j({"name":"p","type":"elsewhere.r3_pair","value":"(1,one)"})j"));
  CHECK(any_contains(received, R"j({"name":"n","type":"numeric(10,2)","value":12.50})j"));
  CHECK(any_contains(received, R"j({"name":"c","type":"character varying(20)","value":"twenty"})j"));
  CHECK(any_contains(received, R"j({"name":"b","type":"bit(5)","value":"10101"})j"));
  CHECK(any_contains(received, R"j("type":"timestamp(3) with time zone","value":"2024-01-02 03:04:05.123+00"})j"));
  CHECK(any_contains(received, R"j({"name":"i","type":"interval minute","value":"00:01:00"})j"));
  CHECK_FALSE(any_contains(received, "???"));
}

TEST_CASE("pgoutput: TRUNCATE of a partitioned table gives its partitions' T, not the parent's") {
  const auto streams = stream_through_both(
      "pgoutput_ddl_partitions",
      {"CREATE TABLE parted (id int, v text) PARTITION BY RANGE (id)",
       "CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (10)",
       "CREATE TABLE parted_high PARTITION OF parted FOR VALUES FROM (10) TO (20)"},
      {
          "INSERT INTO parted VALUES (1, 'low'), (15, 'high')",
          "TRUNCATE parted",
          "TRUNCATE parted_low",
      });
  // Allowed difference 7: wal2json emits T for the partitioned table and for each partition;
  // pgoutput publishes partitions only (publish_via_partition_root would name the parent for
  // every change too, where wal2json names the partition). A partitioned table holds no rows of
  // its own: its partitions' T say everything that was emptied.
  std::vector<ReceivedMessage> expected;
  std::copy_if(streams.wal2json.begin(), streams.wal2json.end(), std::back_inserter(expected),
               [](const ReceivedMessage& m) { return !(is_action(m, 'T') && m.json.ends_with(R"("table":"parted"})")); });
  CHECK(expected.size() + 1 == streams.wal2json.size());
  check_same_messages(expected, streams.pgoutput);
  CHECK(any_contains(streams.pgoutput, R"("action":"T")"));
  CHECK(any_contains(streams.pgoutput, R"("table":"parted_high"})"));
}

TEST_CASE("pgoutput: under REPLICA IDENTITY FULL pk is the catalog's when decoded (a table dropped since: none)") {
  const auto streams = stream_through_both("pgoutput_ddl_full", {},
                                           {
                                               "CREATE TABLE f1 (id int PRIMARY KEY, v text)",
                                               "ALTER TABLE f1 REPLICA IDENTITY FULL",
                                               "INSERT INTO f1 VALUES (1, 'full')",
                                               "DROP TABLE f1",
                                           });
  // Allowed difference 8: the Relation message flags FULL's columns (all), not the key's.
  auto expected = streams.wal2json;
  for (auto& message : expected) {
    message.json = replaced(message.json, R"("pk":[{"name":"id","type":"integer"}])", R"("pk":[])");
  }
  check_same_messages(expected, streams.pgoutput);
  CHECK(any_contains(streams.wal2json, R"("value":"full"}],"pk":[{"name":"id","type":"integer"}]})"));
  CHECK(any_contains(streams.pgoutput, R"("value":"full"}],"pk":[]})"));
}
