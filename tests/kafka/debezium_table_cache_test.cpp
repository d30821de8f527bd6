// What EventWriter keeps between changes (per table: its columns, its key and what is written
// from them; per transaction: the commit time) must follow the stream: a table whose columns
// or key change between two changes (DDL), another table in between, a new transaction.
#include <catch2/catch.hpp>

#include "debezium_fixture.hpp"

using namespace popyka::test;
namespace dbz = popyka::kafka::debezium;

namespace {

std::string insert(std::string_view table, std::string_view timestamp, std::string_view columns, std::string_view pk) {
  return std::string(R"({"action":"I","xid":7,"timestamp":")") + std::string(timestamp) + R"(","schema":"public","table":")" +
         std::string(table) + R"(","columns":[)" + std::string(columns) + R"(],"pk":[)" + std::string(pk) + "]}";
}

}  // namespace

TEST_CASE("debezium: a table's key, columns and commit time changing between two changes are written as they are now",
          "[debezium][envelope]") {
  auto settings = debezium_settings();
  settings.schemas = true;
  dbz::EventWriter writer(settings, &fixed_now_ns);
  const auto first = change_from_wal2json(insert("t", "2026-01-01 00:00:00.000001+00", R"({"name":"id","type":"integer","value":1})",
                                                 R"({"name":"id","type":"integer"})"));
  auto records = writer.write(*first);
  CHECK(Json(records[0].key).at("/payload") == R"({"id":1})");
  CHECK(Json(records[0].key).at("/schema/fields") == R"([{"type":"int32","optional":false,"field":"id"}])");
  CHECK(Json(records[0].value).at("/payload/source/ts_us") == "1767225600000001");

  // Another table in between, in a later transaction.
  const auto other = change_from_wal2json(insert("u", "2026-01-01 00:00:01+00", R"({"name":"x","type":"text","value":"a"})",
                                                 R"({"name":"x","type":"text"})"));
  records = writer.write(*other);
  CHECK(Json(records[0].key).at("/payload") == R"({"x":"a"})");
  CHECK(Json(records[0].value).at("/payload/source/table") == R"("u")");
  CHECK(Json(records[0].value).at("/payload/source/ts_us") == "1767225601000000");

  // ALTER TABLE t: id is a bigint, a column k joins the key.
  const auto altered = change_from_wal2json(insert("t", "2026-01-01 00:00:02+00",
                                                   R"({"name":"id","type":"bigint","value":2},{"name":"k","type":"text","value":"b"})",
                                                   R"({"name":"id","type":"bigint"},{"name":"k","type":"text"})"));
  records = writer.write(*altered);
  const Json key(records[0].key);
  CHECK(key.at("/payload") == R"({"id":2,"k":"b"})");
  CHECK(key.at("/schema/fields") ==
        minified(R"([{"type":"int64","optional":false,"field":"id"},{"type":"string","optional":false,"field":"k"}])"));
  const Json value(records[0].value);
  CHECK(value.at("/payload/after") == R"({"id":2,"k":"b"})");
  CHECK(value.at("/payload/source/table") == R"("t")");
  CHECK(value.at("/payload/source/ts_us") == "1767225602000000");
  CHECK(value.at("/schema/fields/1/fields") ==
        minified(R"([{"type":"int64","optional":false,"field":"id"},{"type":"string","optional":false,"field":"k"}])"));
}

TEST_CASE("debezium: an update's columns in another order than the table's are matched by name", "[debezium][envelope]") {
  dbz::EventWriter writer(debezium_settings(), &fixed_now_ns);
  writer.write(*change_from_wal2json(insert(
      "t", "2026-01-01 00:00:00+00", R"({"name":"id","type":"integer","value":1},{"name":"a","type":"text","value":"x"},{"name":"b","type":"text","value":"y"})",
      R"({"name":"id","type":"integer"})")));
  const auto update = change_from_wal2json(
      R"({"action":"U","xid":8,"schema":"public","table":"t","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"b","type":"text","value":"y2"},{"name":"a","type":"text","value":"x2"}],)"
      R"("identity":[{"name":"id","type":"integer","value":1}],"pk":[{"name":"id","type":"integer"}]})");
  CHECK(Json(writer.write(*update)[0].value).at("/after") == R"({"id":1,"a":"x2","b":"y2"})");
}
