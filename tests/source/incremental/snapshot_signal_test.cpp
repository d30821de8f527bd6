// The signals that start and stop an incremental snapshot, in Debezium's format: every shape
// accepted, and every malformed one refused by one warning naming the signal's id. No server.
#include <catch2/catch.hpp>

#include "decode/wal2json_decoder.hpp"
#include "log_capture.hpp"
#include "source/replication/incremental/snapshot_signal.hpp"

using namespace popyka::source::replication::incremental;
using popyka::test::LogCapture;
using Conditions = std::vector<std::pair<std::string, std::string>>;

namespace {

SnapshotRequest snapshot(const std::optional<Signal>& signal) {
  REQUIRE(signal);
  REQUIRE(std::holds_alternative<SnapshotRequest>(*signal));
  return std::get<SnapshotRequest>(*signal);
}

StopRequest stop(const std::optional<Signal>& signal) {
  REQUIRE(signal);
  REQUIRE(std::holds_alternative<StopRequest>(*signal));
  return std::get<StopRequest>(*signal);
}

// The signal is refused with exactly one warning, naming its id and saying why.
void check_refused(std::string_view id, std::string_view type, std::string_view data, std::string_view why) {
  LogCapture log;
  INFO(type << " " << data);
  CHECK_FALSE(parse_signal(id, type, data));
  CHECK(log.count("signal '") == 1);
  CHECK(log.count("signal '" + std::string(id) + "' ignored: ") == 1);
  CHECK(log.contains(why));
}

}  // namespace

TEST_CASE("execute-snapshot: Debezium 2.x's data, with additional-conditions per table") {
  LogCapture log;
  auto request = snapshot(parse_signal("ad-hoc-1", "execute-snapshot",
                                       R"({"data-collections": ["public.orders", " public.items "], "type": "incremental",
                                           "additional-conditions": [{"data-collection": "public.orders", "filter": "region = 'eu'"}]})"));
  CHECK(request.id == "ad-hoc-1");
  CHECK(request.tables == std::vector<std::string>{"public.orders", "public.items"});
  CHECK(request.conditions == Conditions{{"public.orders", "region = 'eu'"}});
  CHECK(log.count("signal") == 0);
}

TEST_CASE("execute-snapshot: the type is incremental when absent, and read without regard to case") {
  CHECK(snapshot(parse_signal("a", "execute-snapshot", R"({"data-collections": ["public.t"]})")).tables ==
        std::vector<std::string>{"public.t"});
  CHECK(snapshot(parse_signal("b", "execute-snapshot", R"({"data-collections": ["public.t"], "type": "INCREMENTAL"})")).conditions.empty());
  // Debezium's regular expressions over names are passed as given, for the snapshot to resolve.
  CHECK(snapshot(parse_signal("c", "execute-snapshot", R"({"data-collections": ["public\\.order.*"]})")).tables ==
        std::vector<std::string>{"public\\.order.*"});
}

TEST_CASE("execute-snapshot: the older additional-condition string applies to every table of the signal") {
  auto request = snapshot(parse_signal("old", "execute-snapshot",
                                       R"({"data-collections": ["public.orders"], "additional-condition": "id > 10"})"));
  CHECK(request.conditions == Conditions{{"public.orders", "id > 10"}});
  // Blank, as Debezium: no condition.
  CHECK(snapshot(parse_signal("old2", "execute-snapshot", R"({"data-collections": ["public.orders"], "additional-condition": " "})"))
            .conditions.empty());
}

TEST_CASE("stop-snapshot: the tables named, or every table when data-collections or the data is absent") {
  auto some = stop(parse_signal("s1", "stop-snapshot", R"({"data-collections": ["public.orders"], "type": "incremental"})"));
  CHECK(some.id == "s1");
  CHECK(some.tables == std::vector<std::string>{"public.orders"});
  CHECK(stop(parse_signal("s2", "stop-snapshot", R"({"type": "incremental"})")).tables.empty());
  CHECK(stop(parse_signal("s3", "stop-snapshot", "")).tables.empty());
}

TEST_CASE("a malformed signal is one warning naming its id, saying what is wrong and what to do") {
  check_refused("bad-json", "execute-snapshot", R"({"data-collections": ["public.t")", "its data is not JSON");
  check_refused("not-object", "execute-snapshot", R"(["public.t"])", "not a JSON object");
  check_refused("unknown-signal", "pause-snapshot", R"({})", "unknown signal type 'pause-snapshot'");
  check_refused("unknown-type", "execute-snapshot", R"({"data-collections": ["public.t"], "type": "eventual"})",
                "unknown snapshot type 'eventual'");
  check_refused("blocking", "execute-snapshot", R"({"data-collections": ["public.t"], "type": "blocking"})",
                "a blocking snapshot is not supported");
  check_refused("blocking-stop", "stop-snapshot", R"({"type": "BLOCKING"})", "a blocking snapshot is not supported");
  check_refused("no-tables", "execute-snapshot", R"({"type": "incremental"})", "\"data-collections\" is missing or empty");
  check_refused("no-data", "execute-snapshot", "", "\"data-collections\" is missing or empty");
  check_refused("empty-tables", "execute-snapshot", R"({"data-collections": []})", "\"data-collections\" is missing or empty");
  check_refused("tables-not-list", "execute-snapshot", R"({"data-collections": "public.t"})", "not a list of table names");
  check_refused("blank-table", "execute-snapshot", R"({"data-collections": ["public.t", " "]})", "other than a table name");
  check_refused("number-table", "execute-snapshot", R"({"data-collections": [7]})", "other than a table name");
  check_refused("type-not-string", "execute-snapshot", R"({"data-collections": ["public.t"], "type": 1})", "\"type\" is not a string");
  check_refused("conditions-not-list", "execute-snapshot",
                R"({"data-collections": ["public.t"], "additional-conditions": "id > 1"})", "\"additional-conditions\" is not a list");
  check_refused("condition-no-filter", "execute-snapshot",
                R"({"data-collections": ["public.t"], "additional-conditions": [{"data-collection": "public.t"}]})",
                "lacks its \"data-collection\" or its \"filter\"");
  check_refused("condition-not-object", "execute-snapshot",
                R"({"data-collections": ["public.t"], "additional-conditions": ["id > 1"]})", "entry is not a");
  check_refused("surrogate", "execute-snapshot", R"({"data-collections": ["public.t"], "surrogate-key": "code"})",
                "\"surrogate-key\" is not supported");
  check_refused("", "execute-snapshot", R"({"data-collections": ["public.t"]})", "it has no id");
}

TEST_CASE("a row of the signal table: its id, type and data columns") {
  popyka::decode::Wal2JsonDecoder decoder;
  auto request = snapshot(signal_from_row(decoder.decode(
      R"j({"action":"I","schema":"public","table":"debezium_signal","columns":[{"name":"id","type":"character varying(42)","value":"ad-hoc-1"},{"name":"type","type":"character varying(32)","value":"execute-snapshot"},{"name":"data","type":"character varying(2048)","value":"{\"data-collections\": [\"public.orders\"], \"additional-conditions\": [{\"data-collection\": \"public.orders\", \"filter\": \"region = 'eu'\"}]}"}]})j",
      1)));
  CHECK(request.id == "ad-hoc-1");
  CHECK(request.conditions == Conditions{{"public.orders", "region = 'eu'"}});
  // A NULL data column: a stop of every table.
  CHECK(stop(signal_from_row(decoder.decode(
                 R"j({"action":"I","schema":"public","table":"debezium_signal","columns":[{"name":"id","type":"character varying(42)","value":"s"},{"name":"type","type":"character varying(32)","value":"stop-snapshot"},{"name":"data","type":"character varying(2048)","value":null}]})j",
                 1)))
            .tables.empty());
  LogCapture log;
  CHECK_FALSE(signal_from_row(decoder.decode(
      R"j({"action":"I","schema":"public","table":"debezium_signal","columns":[{"name":"id","type":"character varying(42)","value":"r-bad"},{"name":"type","type":"character varying(32)","value":"execute-snapshot"},{"name":"data","type":"character varying(2048)","value":"{not json"}]})j",
      1)));
  CHECK(log.count("signal 'r-bad' ignored: its data is not JSON") == 1);
}

TEST_CASE("a popyka.signal message: Debezium's envelope (data as text or as an object), or the data alone") {
  auto text = snapshot(signal_from_message(
      R"({"id": "m-1", "type": "execute-snapshot", "data": "{\"data-collections\": [\"public.orders\"]}"})", "0/16B3748"));
  CHECK(text.id == "m-1");
  CHECK(text.tables == std::vector<std::string>{"public.orders"});
  auto object = stop(signal_from_message(R"({"id": "m-2", "type": "stop-snapshot", "data": {"data-collections": ["public.orders"]}})",
                                         "0/16B3748"));
  CHECK(object.id == "m-2");
  CHECK(object.tables == std::vector<std::string>{"public.orders"});
  // The data alone is an execute-snapshot named after the message.
  auto alone = snapshot(signal_from_message(
      R"({"data-collections": ["public.orders"], "type": "incremental", "additional-conditions": [{"data-collection": "public.orders", "filter": "region = 'eu'"}]})",
      "0/16B3748"));
  CHECK(alone.id == "0/16B3748");
  CHECK(alone.conditions == Conditions{{"public.orders", "region = 'eu'"}});
  // An envelope without an id takes the message's.
  CHECK(stop(signal_from_message(R"({"type": "stop-snapshot", "data": null})", "0/1")).id == "0/1");
}

TEST_CASE("a malformed popyka.signal message is one warning naming its id (the envelope's, else the message's)") {
  LogCapture log;
  CHECK_FALSE(signal_from_message("not json", "0/16B3748"));
  CHECK(log.count("signal '0/16B3748' ignored: the popyka.signal message is not a JSON object") == 1);
  CHECK_FALSE(signal_from_message(R"({"id": "m-3", "type": "execute-snapshot", "data": {"type": "blocking", "data-collections": ["public.t"]}})",
                                  "0/2"));
  CHECK(log.count("signal 'm-3' ignored: a blocking snapshot is not supported") == 1);
  CHECK_FALSE(signal_from_message(R"({"id": 7, "type": "execute-snapshot", "data": {}})", "0/3"));
  CHECK(log.count("signal '0/3' ignored: \"id\" is not a string") == 1);
  CHECK_FALSE(signal_from_message(R"({"id": "m-4", "data": {"data-collections": ["public.t"]}})", "0/4"));
  CHECK(log.count("signal 'm-4' ignored: unknown signal type ''") == 1);
  CHECK(log.count("signal '") == 4);
}
