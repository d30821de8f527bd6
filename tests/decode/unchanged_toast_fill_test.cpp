#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "decode/unchanged_toast_fill.hpp"
#include "decode/wal2json_decoder.hpp"

using popyka::decode::UnchangedToastFill;
using popyka::decode::Wal2JsonDecoder;
using Outcome = UnchangedToastFill::Outcome;

namespace {

// `{"name":N,"type":T,"value":V}`
std::string column(const std::string& name, const std::string& type, const std::string& value) {
  return R"({"name":")" + name + R"(","type":")" + type + R"(","value":)" + value + "}";
}

std::string update(const std::string& columns, const std::string& identity) {
  return R"({"action":"U","xid":7,"schema":"public","table":"docs","columns":[)" + columns + R"(],"identity":[)" + identity +
         R"(],"pk":[{"name":"id","type":"integer"}],"nextlsn":"0/16B2E58"})";
}

const std::string kId1 = column("id", "integer", "1");
const std::string kBody = column("body", "text", R"("long, with \"quotes\" and ] brackets [")");
const std::string kBlob = column("blob", "bytea", R"("\\x00ff")");
const std::string kOldN = column("n", "integer", "5");
const std::string kNewN = column("n", "integer", "6");

std::vector<std::string> names_of(const popyka::sdk::Change& change) {
  std::vector<std::string> names;
  for (const auto& c : change.columns()) names.emplace_back(c.name);
  return names;
}

}  // namespace

TEST_CASE("unchanged TOAST fill: an update's missing columns come from a whole old row, in the table's order",
          "[unchanged_toast]") {
  Wal2JsonDecoder decoder;
  UnchangedToastFill fill;
  // wal2json under REPLICA IDENTITY FULL: body and blob were TOASTed and not changed.
  auto& change = decoder.current();
  decoder.decode(update(kId1 + "," + kNewN, kId1 + "," + kBody + "," + kBlob + "," + kOldN), 42);
  REQUIRE(fill.fill(change) == Outcome::filled);

  CHECK(change.json() == update(kId1 + "," + kBody + "," + kBlob + "," + kNewN, kId1 + "," + kBody + "," + kBlob + "," + kOldN));
  CHECK(names_of(change) == std::vector<std::string>{"id", "body", "blob", "n"});
  // The same name, type and value text as the identity's; the update's own values stay.
  CHECK(change.find_column("body")->value.json() == R"("long, with \"quotes\" and ] brackets [")");
  CHECK(change.find_column("body")->type == "text");
  CHECK(change.find_column("blob")->value.as_string() == R"(\x00ff)");
  CHECK(change.find_column("n")->value.json() == "6");
  CHECK(change.lsn() == 42);
  CHECK(change.identity().size() == 4);

  // The rewritten message reads back as the same change.
  Wal2JsonDecoder again;
  const auto& reread = again.decode(change.json(), 42);
  CHECK(names_of(reread) == names_of(change));
  CHECK(reread.columns()[1].value.json() == change.columns()[1].value.json());
  CHECK(fill.fill(again.current()) == Outcome::untouched);  // nothing missing any more
}

TEST_CASE("unchanged TOAST fill: the columns' details and definitions of the update's own columns are dropped once others "
          "are filled in",
          "[unchanged_toast]") {
  Wal2JsonDecoder decoder;
  UnchangedToastFill fill;
  auto& change = decoder.current();
  decoder.decode(update(kId1 + "," + kNewN, kId1 + "," + kBody + "," + kBlob + "," + kOldN), 42);
  const popyka::sdk::ColumnDetails details[] = {{true, {}}, {false, {}}};  // id, n: as pgoutput's decoder gives them
  const popyka::sdk::ColumnDefinition definitions[] = {{{}, "nextval('t_id_seq'::regclass)"}, {"integer", "0"}};
  change.set_column_details(details, definitions);
  REQUIRE(change.column_definitions().size() == 2);
  REQUIRE(fill.fill(change) == Outcome::filled);
  CHECK(change.columns().size() == 4);
  CHECK(change.column_details().empty());  // no longer one per column: unknown
  CHECK(change.column_definitions().empty());
}

TEST_CASE("unchanged TOAST fill: a value the update set, NULL included, is the update's", "[unchanged_toast]") {
  Wal2JsonDecoder decoder;
  UnchangedToastFill fill;
  auto& change = decoder.current();
  const std::string null_body = column("body", "text", "null");
  const std::string message = update(kId1 + "," + null_body + "," + kNewN, kId1 + "," + kBody + "," + kBlob + "," + kOldN);
  decoder.decode(message, 1);
  REQUIRE(fill.fill(change) == Outcome::filled);
  CHECK(change.json() == update(kId1 + "," + null_body + "," + kBlob + "," + kNewN, kId1 + "," + kBody + "," + kBlob + "," + kOldN));
  CHECK(change.find_column("body")->value.is_null());
}

TEST_CASE("unchanged TOAST fill: other fields of a column (wal2json's typeoid, position) come along", "[unchanged_toast]") {
  Wal2JsonDecoder decoder;
  UnchangedToastFill fill;
  auto& change = decoder.current();
  const std::string id = R"({"name":"id","type":"integer","typeoid":23,"value":1})";
  const std::string old_body = R"({"name":"body","type":"text","typeoid":25,"value":"x"})";
  decoder.decode(update(id, id + ", " + old_body), 1);
  REQUIRE(fill.fill(change) == Outcome::filled);
  CHECK(change.json() == update(id + "," + old_body, id + ", " + old_body));
}

TEST_CASE("unchanged TOAST fill: an identity that is only the key leaves the update as it is", "[unchanged_toast]") {
  Wal2JsonDecoder decoder;
  UnchangedToastFill fill;
  auto& change = decoder.current();
  const std::string message = update(kId1 + "," + kNewN, kId1);
  decoder.decode(message, 1);
  CHECK(fill.fill(change) == Outcome::identity_not_whole);
  CHECK(change.json() == message);
  CHECK(names_of(change) == std::vector<std::string>{"id", "n"});
}

TEST_CASE("unchanged TOAST fill: inserts, deletes and whole updates are untouched", "[unchanged_toast]") {
  Wal2JsonDecoder decoder;
  UnchangedToastFill fill;
  auto& change = decoder.current();
  const std::vector<std::string> messages = {
      update(kId1 + "," + kBody + "," + kNewN, kId1 + "," + kBody + "," + kOldN),
      R"({"action":"I","schema":"public","table":"docs","columns":[)" + kId1 + "]}",
      R"({"action":"D","schema":"public","table":"docs","identity":[)" + kId1 + "," + kBody + "]}",
      R"({"action":"B","xid":7})",
  };
  for (const auto& message : messages) {
    decoder.decode(message, 1);
    const char* before = change.json().data();
    CHECK(fill.fill(change) == Outcome::untouched);
    CHECK(change.json().data() == before);
  }
}
