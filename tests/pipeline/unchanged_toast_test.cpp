// database.unchanged_toast in the pipeline: what processors see of an update whose TOASTed
// value did not change (core/decode/unchanged_toast_fill.hpp has the fill's own tests).
#include <catch2/catch.hpp>

#include "log_capture.hpp"
#include "pipeline_fixture.hpp"

using popyka::test::LogCapture;
using popyka::test::PipelineFixture;

namespace {

const std::string kRecord = "[{class: test.processors.Record, config: {file: '${OUT}'}}]";

// An update of `table` (as JSON string text) that left `body` out: TOASTed and unchanged. `whole_identity`: under
// REPLICA IDENTITY FULL (the old row, body included), else the key only.
std::string update_without_body(const std::string& table, bool whole_identity) {
  const std::string id = R"({"name":"id","type":"integer","value":1})";
  const std::string identity = whole_identity ? id + R"(,{"name":"body","type":"text","value":"old and long"},{"name":"n","type":"integer","value":1})" : id;
  return R"({"action":"U","schema":"public","table":")" + table + R"(","columns":[)" + id +
         R"(,{"name":"n","type":"integer","value":2}],"identity":[)" + identity + "]}";
}

}  // namespace

TEST_CASE("unchanged_toast: from_identity: processors get the update's whole new row, the old row's value filled in") {
  PipelineFixture fx;
  fx.database_options = "unchanged_toast: from_identity";
  auto pipeline = fx.make(kRecord);
  pipeline->consume(update_without_body("docs", true), 5);
  const auto lines = fx.output();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == R"(record 0/5 {"action":"U","schema":"public","table":"docs","columns":[{"name":"id","type":"integer","value":1},)"
                    R"({"name":"body","type":"text","value":"old and long"},{"name":"n","type":"integer","value":2}],)"
                    R"("identity":[{"name":"id","type":"integer","value":1},{"name":"body","type":"text","value":"old and long"},)"
                    R"({"name":"n","type":"integer","value":1}]})");
  CHECK(pipeline->checkpoint() == 5);
}

TEST_CASE("unchanged_toast: omit (the default) leaves the update as the output plugin wrote it") {
  PipelineFixture fx;
  auto pipeline = fx.make(kRecord);
  const std::string update = update_without_body("docs", true);
  pipeline->consume(update, 5);
  CHECK(fx.output() == std::vector<std::string>{"record 0/5 " + update});
}

TEST_CASE("unchanged_toast: from_identity on a table without REPLICA IDENTITY FULL: the column stays out, one warning per table") {
  PipelineFixture fx;
  fx.database_options = "unchanged_toast: from_identity";
  auto pipeline = fx.make(kRecord);
  LogCapture log;
  pipeline->consume(update_without_body("keyed", false), 1);
  pipeline->consume(update_without_body("keyed", false), 2);
  pipeline->consume(update_without_body(R"(other \"one\")", false), 3);  // JSON-escaped: other "one"
  pipeline->consume(update_without_body("docs", true), 4);
  const auto lines = fx.output();
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "record 0/1 " + update_without_body("keyed", false));
  CHECK(log.count("table public.keyed do not carry the whole old row") == 1);
  CHECK(log.count(R"(ALTER TABLE "public"."keyed" REPLICA IDENTITY FULL)") == 1);
  CHECK(log.count(R"(ALTER TABLE "public"."other ""one""" REPLICA IDENTITY FULL)") == 1);
  CHECK(log.count("docs") == 0);
  CHECK(log.count("REPLICA IDENTITY FULL") == 2);
}
