#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "decode/lsn_text.hpp"
#include "decode/wal2json_decoder.hpp"

using popyka::decode::DecodeError;
using popyka::decode::Wal2JsonDecoder;
using popyka::sdk::Action;

namespace {

// A sample from tests/data (real wal2json output, see tests/data/regenerate.sh).
std::vector<std::string> sample_lines(const std::string& name) {
  std::ifstream in(std::string(POPYKA_TEST_DATA_DIR) + "/" + name);
  REQUIRE(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// The raw JSON text of a top-level scalar field of LINE (xids, LSNs and timestamps change each
// time the samples are regenerated, so the tests read them from the line).
std::string field_text(const std::string& line, const std::string& name) {
  const auto key = "\"" + name + "\":";
  const auto start = line.find(key);
  REQUIRE(start != std::string::npos);
  const auto value = start + key.size();
  const auto end = line[value] == '"' ? line.find('"', value + 1) + 1 : line.find_first_of(",}", value);
  return line.substr(value, end - value);
}

std::string unquoted(const std::string& text) { return text.substr(1, text.size() - 2); }

}  // namespace

TEST_CASE("decodes an insert with every include option, values as exact JSON text") {
  Wal2JsonDecoder decoder;
  const auto lines = sample_lines("wal2json-v2-sample.jsonl");
  const auto& change = decoder.decode(lines.at(1), 0);
  CHECK(change.action() == Action::Insert);
  CHECK(change.schema() == "public");
  CHECK(change.table() == "demo");
  CHECK(change.lsn() == popyka::decode::parse_lsn(unquoted(field_text(lines.at(1), "lsn"))));  // the message's own field
  CHECK(change.xid().as_int64() == std::stoll(field_text(lines.at(1), "xid")));
  CHECK(change.timestamp().as_string() == unquoted(field_text(lines.at(1), "timestamp")));
  REQUIRE(change.columns().size() == 8);
  CHECK(change.columns()[2].name == "price");
  CHECK(change.columns()[2].type == "numeric(10,2)");
  CHECK(change.columns()[2].value.json() == "1.50");
  CHECK(change.columns()[5].value.as_string() == "{\"k\": 1}");
  REQUIRE(change.primary_key().size() == 1);
  CHECK(change.primary_key()[0].name == "id");
  CHECK_FALSE(change.primary_key()[0].value.is_present());
  CHECK(change.identity().empty());
  CHECK(change.json() == lines.at(1));
}

TEST_CASE("the stream's LSN wins over the message's field") {
  Wal2JsonDecoder decoder;
  const auto lines = sample_lines("wal2json-v2-sample.jsonl");
  CHECK(decoder.decode(lines.at(1), 0x99).lsn() == 0x99);
}

TEST_CASE("decodes every action of the plain sample") {
  Wal2JsonDecoder decoder;
  std::string actions;
  for (const auto& line : sample_lines("wal2json-v2-sample-plain.jsonl")) {
    const auto& change = decoder.decode(line, 0);
    actions += static_cast<char>(change.action());
    if (change.action() == Action::Update && !change.identity().empty() && change.identity().size() > 1)
      CHECK(change.identity()[2].value.is_null());  // REPLICA IDENTITY FULL: old price was NULL
    if (change.action() == Action::Delete) CHECK(change.columns().empty());
    if (change.action() == Action::Truncate) CHECK(change.table() == "nopk");
    if (change.action() == Action::Message) {
      CHECK(change.message_prefix().as_string() == "pfx");
      CHECK((change.message_content().as_string() == "hello" || change.message_content().as_string() == "nontx"));
    }
  }
  CHECK(actions == "BIICBUCBCBUCBDCBTCBMCM");
}

TEST_CASE("a message's transactional flag") {
  Wal2JsonDecoder decoder;
  CHECK(decoder.decode(R"({"action":"M","transactional":true,"prefix":"p","content":"c"})", 0).transactional());
  CHECK_FALSE(decoder.decode(R"({"action":"M","transactional":false,"prefix":"p","content":"c"})", 0).transactional());
}

TEST_CASE("names with escapes are unescaped, values are not") {
  Wal2JsonDecoder decoder;
  const auto& change = decoder.decode(
      R"({"action":"I","schema":"s\"q","table":"t \u00e9","columns":[{"name":"a\\b","type":"text","value":"x\ny"}]})", 0);
  CHECK(change.schema() == "s\"q");
  CHECK(change.table() == "t \xC3\xA9");
  CHECK(change.columns()[0].name == "a\\b");
  CHECK(change.columns()[0].value.json() == R"("x\ny")");
  CHECK(change.columns()[0].value.as_string() == "x\ny");
}

TEST_CASE("reused decoder forgets the previous message") {
  Wal2JsonDecoder decoder;
  decoder.decode(R"({"action":"I","schema":"s","table":"t","columns":[{"name":"a","type":"int","value":1}]})", 5);
  const auto& change = decoder.decode(R"({"action":"C"})", 6);
  CHECK(change.action() == Action::Commit);
  CHECK(change.table().empty());
  CHECK(change.columns().empty());
  CHECK(change.lsn() == 6);
}

TEST_CASE("what is not a wal2json v2 message is a DecodeError") {
  Wal2JsonDecoder decoder;
  CHECK_THROWS_AS(decoder.decode("not json", 0), DecodeError);
  CHECK_THROWS_AS(decoder.decode("[1,2]", 0), DecodeError);
  CHECK_THROWS_WITH(decoder.decode(R"({"schema":"s"})", 0), Catch::Contains("no \"action\""));
  CHECK_THROWS_WITH(decoder.decode(R"({"action":"X"})", 0), Catch::Contains("unknown action 'X'"));
  CHECK_THROWS_AS(decoder.decode(R"({"action":"I","columns":{}})", 0), DecodeError);
}

TEST_CASE("parse_lsn reads X/X") {
  CHECK(popyka::decode::parse_lsn("16/B374D848") == 0x16B374D848ULL);
  CHECK(popyka::decode::parse_lsn("0/0") == 0ULL);
  CHECK_FALSE(popyka::decode::parse_lsn("16B374D848"));
  CHECK_FALSE(popyka::decode::parse_lsn("x/1"));
  CHECK_FALSE(popyka::decode::parse_lsn("1/"));
}

TEST_CASE("a message with readable padding after it is read in place, not copied, and without it is copied") {
  const std::string json = R"({"action":"I","schema":"public","table":"t","columns":[{"name":"doc","type":"text","value":"big"}]})";
  std::string padded = json + std::string(Wal2JsonDecoder::kPadding, ' ');
  const std::string_view message(padded.data(), json.size());
  Wal2JsonDecoder decoder;
  const auto& in_place = decoder.decode(message, 7, Wal2JsonDecoder::kPadding);
  CHECK(in_place.json().data() == padded.data());
  CHECK(in_place.columns()[0].value.json() == "\"big\"");
  CHECK(in_place.columns()[0].value.json().data() > padded.data());  // a view into the message itself
  CHECK(in_place.lsn() == 7);
  CHECK(in_place.columns_text() == json.substr(json.find('[')));  // where the step that fills unchanged TOAST looks
  const auto& copied = decoder.decode(message, 8, Wal2JsonDecoder::kPadding - 1);
  CHECK(copied.json() == json);
  CHECK(copied.json().data() != padded.data());
  CHECK(copied.columns()[0].value.json() == "\"big\"");
  CHECK(copied.columns_text() == json.substr(json.find('[')));
}
