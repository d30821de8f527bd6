// wal2json's value formatting for R rows, without a server.
#include <catch2/catch.hpp>

#include "source/replication/heartbeat/heartbeat.hpp"
#include "source/replication/output_plugin/wal2json_format.hpp"
#include "source/replication/slot/replication_slot.hpp"

using namespace popyka::source::replication;

namespace {
std::string value(std::uint32_t oid, std::optional<std::string_view> text) {
  std::string out;
  append_wal2json_value(out, oid, text);
  return out;
}
std::string type(std::string_view name) {
  std::string out;
  append_wal2json_type(out, name);
  return out;
}
}  // namespace

TEST_CASE("R values are formatted as wal2json formats them") {
  CHECK(value(23, std::nullopt) == "null");
  CHECK(value(25, std::nullopt) == "null");
  CHECK(value(23, "-42") == "-42");
  CHECK(value(1700, "123456789012345678901234567890.123456789") == "123456789012345678901234567890.123456789");
  CHECK(value(701, "1e-300") == "1e-300");
  CHECK(value(701, "NaN") == "null");
  CHECK(value(700, "-Infinity") == "null");
  CHECK(value(1700, "Infinity") == "null");
  CHECK(value(16, "t") == "true");
  CHECK(value(16, "f") == "false");
  CHECK(value(17, "\\x0aff") == "\"0aff\"");
  CHECK(value(25, "a \"q\" \\ \n\t\r\b\f \x01 żółć") == "\"a \\\"q\\\" \\\\ \\n\\t\\r\\b\\f \\u0001 żółć\"");
  CHECK(value(1043, "12") == "\"12\"");  // varchar: a string even when it looks like a number
}

TEST_CASE("R type names are written as wal2json writes format_type()") {
  CHECK(type("character varying(10)") == "\"character varying(10)\"");
  CHECK(type("\"MyEnum\"") == "\"MyEnum\"");
  CHECK(type("\"MyEnum\"[]") == "\"\\\"MyEnum\\\"[]\"");
}

TEST_CASE("heartbeat messages are recognised by action and prefix only") {
  CHECK(is_heartbeat(R"({"action":"M","xid":null,"timestamp":null,"transactional":false,"prefix":"popyka.heartbeat","content":"x"})"));
  CHECK_FALSE(is_heartbeat(R"({"action":"M","transactional":false,"prefix":"other","content":"\"prefix\":\"popyka.heartbeat\","})"));
  CHECK_FALSE(is_heartbeat(R"({"action":"I","schema":"public","table":"t","columns":[{"name":"prefix","type":"text","value":"popyka.heartbeat"}]})"));
}

TEST_CASE("the snapshot marker's name fits PostgreSQL's 63 characters and differs per slot") {
  CHECK(ReplicationSlot::snapshot_marker_name("popyka") == "popyka_snapshot_pending");
  const std::string a(63, 'a');
  const std::string b = std::string(62, 'a') + "b";
  CHECK(ReplicationSlot::snapshot_marker_name(a).size() <= 63);
  CHECK(ReplicationSlot::snapshot_marker_name(a).ends_with("_snapshot_pending"));
  CHECK(ReplicationSlot::snapshot_marker_name(a) != ReplicationSlot::snapshot_marker_name(b));
}
