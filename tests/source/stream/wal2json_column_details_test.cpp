// The columns' NOT NULL, enum labels, domain base types and defaults of wal2json's row changes,
// whose text does not carry them:
// read from the catalog once per table, again after DDL adds a column, and "unknown" (empty) for
// what the catalog cannot say.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "decode/wal2json_decoder.hpp"
#include "source/replication/output_plugin/wal2json_column_details.hpp"
#include "column_definitions_table.hpp"
#include "postgres_cluster.hpp"

using namespace popyka;
using popyka::test::PostgresCluster;
using popyka::test::check_column_definitions;
using popyka::test::column_definitions_schema;

namespace {

std::vector<sdk::Column> columns_named(std::vector<std::string_view> names) {
  std::vector<sdk::Column> columns;
  for (auto name : names) columns.push_back({name, "", sdk::Value("1")});
  return columns;
}

}  // namespace

TEST_CASE("wal2json's row changes find their columns' NOT NULL and enum labels in the catalog, read again after DDL") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TYPE w2j_mood AS ENUM ('sad', 'ok');"
               "CREATE DOMAIN w2j_mood_d AS w2j_mood; CREATE DOMAIN w2j_mood_dd AS w2j_mood_d;"
               "CREATE TABLE \"W2j Details\"(id int PRIMARY KEY, mood w2j_mood NOT NULL, note text, moods w2j_mood[],"
               " mood_dd w2j_mood_dd)");
  source::replication::Wal2jsonColumnDetails lookup(cluster.uri());
  // In the change's order, which need not be the table's (an update without unchanged TOAST).
  auto details = lookup.details("public", "W2j Details", columns_named({"note", "id", "mood", "moods", "mood_dd"})).details;
  REQUIRE(details.size() == 5);
  CHECK_FALSE(details[0].not_null);
  CHECK(details[1].not_null);
  CHECK(details[2].not_null);
  CHECK(details[2].enum_labels == "sad,ok");
  CHECK(details[0].enum_labels.empty());
  CHECK(details[1].enum_labels.empty());
  CHECK(details[3].enum_labels == "sad,ok");  // an array's element
  CHECK(details[4].enum_labels == "sad,ok");  // a domain over a domain over the enum

  // A column the table did not have when it was read: read again.
  cluster.exec("ALTER TABLE \"W2j Details\" ADD COLUMN extra int NOT NULL DEFAULT 0");
  details = lookup.details("public", "W2j Details", columns_named({"id", "extra"})).details;
  REQUIRE(details.size() == 2);
  CHECK(details[1].not_null);

  // What the catalog cannot say: unknown.
  CHECK(lookup.details("public", "W2j Details", columns_named({"id", "gone"})).details.empty());
  CHECK(lookup.details("public", "no_such_table", columns_named({"id"})).definitions.empty());

  // Through the decoder: asked on the first column_details() call of an I, U or R, not before.
  decode::Wal2JsonDecoder decoder;
  decoder.set_column_details_lookup(&lookup);
  const auto& insert = decoder.decode(
      R"({"action":"I","schema":"public","table":"W2j Details","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"mood","type":"w2j_mood","value":"ok"}]})",
      1);
  REQUIRE(insert.column_details().size() == 2);
  CHECK(insert.column_details()[1].enum_labels == "sad,ok");
  REQUIRE(insert.column_definitions().size() == 2);  // the same lookup
  const auto& del = decoder.decode(
      R"({"action":"D","schema":"public","table":"W2j Details","identity":[{"name":"id","type":"integer","value":1}]})", 2);
  CHECK(del.column_details().empty());
  CHECK(del.column_definitions().empty());
  decoder.set_column_details_lookup(nullptr);
  const auto& without = decoder.decode(
      R"({"action":"I","schema":"public","table":"W2j Details","columns":[{"name":"id","type":"integer","value":1}]})", 3);
  CHECK(without.column_details().empty());
}

TEST_CASE("wal2json's row changes find their columns' domain base types and defaults in the catalog, with the details") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec(column_definitions_schema("w2j_defs"));
  source::replication::Wal2jsonColumnDetails lookup(cluster.uri());
  // Asked through the definitions first: the details come from the same lookup.
  decode::Wal2JsonDecoder decoder;
  decoder.set_column_details_lookup(&lookup);
  const auto& insert = decoder.decode(
      R"({"action":"I","schema":"public","table":"w2j_defs","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"n","type":"w2j_defs_int","value":1},{"name":"price","type":"w2j_defs_positive","value":2.5}]})",
      1);
  check_column_definitions(insert, "w2j_defs");
  REQUIRE(insert.column_details().size() == 3);
  CHECK(insert.column_details()[0].not_null);
}
