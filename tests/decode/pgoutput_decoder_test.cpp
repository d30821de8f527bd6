// pgoutput's binary messages into changes, and the wal2json v2 text they write, without a server:
// messages built byte by byte as PostgreSQL 15's proto.c writes them, a fake catalog. Every change
// is checked field by field, before its text is written, against the wal2json decoder's reading
// of that text.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "decode/pgoutput_decoder.hpp"
#include "decoded_change_check.hpp"

using namespace popyka::decode::pgoutput;
using popyka::decode::DecodedChange;

namespace {

class FakeCatalog final : public Catalog {
 public:
  Description describe(std::uint32_t relation_oid, const std::vector<RelationColumn>& columns,
                       bool with_primary_key) override {
    ++describes;
    asked_primary_key = with_primary_key;
    Description description;
    for (const auto& column : columns) {
      if (column.sent_type && dropped_types.contains(column.type_oid)) {
        description.type_names.push_back(column.sent_type->schema + "." + column.sent_type->name);
        continue;
      }
      std::string name = column.type_oid == 23 ? "integer" : column.type_oid == 25 ? "text"
                       : column.type_oid == 1700 ? "numeric(10,2)" : column.type_oid == 16 ? "boolean"
                       : column.type_oid == 1009 ? "text[]" : column.type_oid == 20 ? "bigint" : "\"My Type\"";
      description.type_names.push_back(name);
    }
    if (with_primary_key) description.primary_key = primary_keys[relation_oid];
    if (details.contains(relation_oid)) {
      for (const auto& [not_null, labels] : details[relation_oid]) {
        description.not_null.push_back(not_null);
        description.enum_labels.push_back(labels);
      }
      for (const auto& [base_type, default_expression] : definitions[relation_oid]) {
        description.base_types.push_back(base_type);
        description.default_expressions.push_back(default_expression);
      }
    }
    return description;
  }
  std::int32_t utc_offset(std::int64_t unix_seconds) override {
    ++offset_queries;
    last_offset_query = unix_seconds;
    return offset;
  }

  std::map<std::uint32_t, std::vector<std::string>> primary_keys;  // as of now
  std::set<std::uint32_t> dropped_types;
  std::map<std::uint32_t, std::vector<std::pair<bool, std::string>>> details;  // NOT NULL, enum labels per column
  std::map<std::uint32_t, std::vector<std::pair<std::string, std::string>>> definitions;  // base type, default per column
  bool asked_primary_key = false;
  std::int32_t offset = 0;
  int describes = 0, offset_queries = 0;
  std::int64_t last_offset_query = 0;
};

// A message, field by field, big-endian.
class Message {
 public:
  explicit Message(char type) { bytes_ += type; }
  Message& u8(std::uint8_t v) { bytes_ += static_cast<char>(v); return *this; }
  Message& i16(std::int16_t v) { return be(static_cast<std::uint16_t>(v), 2); }
  Message& i32(std::int32_t v) { return be(static_cast<std::uint32_t>(v), 4); }
  Message& i64(std::int64_t v) { return be(static_cast<std::uint64_t>(v), 8); }
  Message& str(std::string_view s) { bytes_ += s; bytes_ += '\0'; return *this; }
  Message& text(std::string_view s) { u8('t'); i32(static_cast<std::int32_t>(s.size())); bytes_ += s; return *this; }
  Message& raw(std::string_view s) { bytes_ += s; return *this; }
  Message& null() { return u8('n'); }
  Message& unchanged() { return u8('u'); }
  const std::string& bytes() const { return bytes_; }

 private:
  Message& be(std::uint64_t v, int size) {
    for (int i = size - 1; i >= 0; --i) bytes_ += static_cast<char>((v >> (8 * i)) & 0xff);
    return *this;
  }
  std::string bytes_;
};

// 2024-01-02 03:04:05.5 UTC in microseconds since 2000-01-01.
constexpr std::int64_t commit_us = (1704164645LL - 946684800LL) * 1000000LL + 500000;

constexpr popyka::sdk::Lsn lsn = 0x16B374D848;

std::span<DecodedChange* const> decode_raw(Decoder& decoder, std::string_view message) { return decoder.decode(message, lsn); }

// The json() of each change, once each change's fields were found to be what decoding it gives.
std::vector<std::string> decode(Decoder& decoder, const Message& message) {
  static popyka::test::DecodedChangeCheck check;
  std::vector<std::string> texts;
  for (const DecodedChange* change : decode_raw(decoder, message.bytes())) {
    CHECK(change->lsn() == lsn);
    const std::string difference = check.difference(*change);
    INFO(change->json());
    CHECK(difference == "");
    texts.emplace_back(change->json());
  }
  return texts;
}

Message relation_t() {
  // public.t(id int key, name text, amount numeric(10,2), flag boolean)
  Message m('R');
  m.i32(16400).str("public").str("t").u8('d').i16(4);
  m.u8(1).str("id").i32(23).i32(-1);
  m.u8(0).str("name").i32(25).i32(-1);
  m.u8(0).str("amount").i32(1700).i32(655366);
  m.u8(0).str("flag").i32(16).i32(-1);
  return m;
}

}  // namespace

TEST_CASE("pgoutput: commit times print as timestamptz_to_str does") {
  CHECK(format_commit_time(commit_us, 0) == "2024-01-02 03:04:05.5+00");
  CHECK(format_commit_time(commit_us - 500000, 0) == "2024-01-02 03:04:05+00");
  CHECK(format_commit_time(commit_us + 123, 0) == "2024-01-02 03:04:05.500123+00");
  CHECK(format_commit_time(commit_us, 2 * 3600) == "2024-01-02 05:04:05.5+02");
  CHECK(format_commit_time(commit_us, -(5 * 3600 + 30 * 60)) == "2024-01-01 21:34:05.5-05:30");
  CHECK(format_commit_time(commit_us, 3600 + 60 + 1) == "2024-01-02 04:05:06.5+01:01:01");
  CHECK(format_commit_time(-1, 0) == "1999-12-31 23:59:59.999999+00");
}

TEST_CASE("pgoutput: a transaction's messages are wal2json v2's") {
  FakeCatalog catalog;
  catalog.primary_keys[16400] = {"id"};
  Decoder decoder(catalog);

  CHECK(decode(decoder, Message('B').i64(0x1000).i64(commit_us).i32(732)) ==
        std::vector<std::string>{R"({"action":"B","xid":732,"timestamp":"2024-01-02 03:04:05.5+00"})"});
  CHECK(decode(decoder, relation_t()).empty());
  CHECK(catalog.describes == 1);

  auto insert = Message('I').i32(16400).u8('N').i16(4).text("1").text("a \"q\"\n").text("12.50").text("t");
  CHECK(decode(decoder, insert) == std::vector<std::string>{
      R"({"action":"I","xid":732,"timestamp":"2024-01-02 03:04:05.5+00","schema":"public","table":"t","columns":[)"
      R"({"name":"id","type":"integer","value":1},{"name":"name","type":"text","value":"a \"q\"\n"},)"
      R"j({"name":"amount","type":"numeric(10,2)","value":12.50},{"name":"flag","type":"boolean","value":true}],)j"
      R"("pk":[{"name":"id","type":"integer"}]})"});

  // Default replica identity, key unchanged: no old tuple, identity from the new row's key.
  auto update = Message('U').i32(16400).u8('N').i16(4).text("1").unchanged().null().text("f");
  CHECK(decode(decoder, update) == std::vector<std::string>{
      R"({"action":"U","xid":732,"timestamp":"2024-01-02 03:04:05.5+00","schema":"public","table":"t","columns":[)"
      R"({"name":"id","type":"integer","value":1},)"
      R"j({"name":"amount","type":"numeric(10,2)","value":null},{"name":"flag","type":"boolean","value":false}],)j"
      R"("identity":[{"name":"id","type":"integer","value":1}],"pk":[{"name":"id","type":"integer"}]})"});

  // Key changed: the old key ('K', other columns null).
  auto key_update = Message('U').i32(16400).u8('K').i16(4).text("1").null().null().null()
                        .u8('N').i16(4).text("2").text("b").text("NaN").null();
  CHECK(decode(decoder, key_update) == std::vector<std::string>{
      R"({"action":"U","xid":732,"timestamp":"2024-01-02 03:04:05.5+00","schema":"public","table":"t","columns":[)"
      R"({"name":"id","type":"integer","value":2},{"name":"name","type":"text","value":"b"},)"
      R"j({"name":"amount","type":"numeric(10,2)","value":null},{"name":"flag","type":"boolean","value":null}],)j"
      R"("identity":[{"name":"id","type":"integer","value":1}],"pk":[{"name":"id","type":"integer"}]})"});

  auto del = Message('D').i32(16400).u8('K').i16(4).text("2").null().null().null();
  CHECK(decode(decoder, del) == std::vector<std::string>{
      R"({"action":"D","xid":732,"timestamp":"2024-01-02 03:04:05.5+00","schema":"public","table":"t",)"
      R"("identity":[{"name":"id","type":"integer","value":2}],"pk":[{"name":"id","type":"integer"}]})"});

  auto commit = Message('C').u8(0).i64(0x1100).i64(0x1200).i64(commit_us);
  CHECK(decode(decoder, commit) ==
        std::vector<std::string>{R"({"action":"C","xid":732,"timestamp":"2024-01-02 03:04:05.5+00"})"});
  CHECK(catalog.offset_queries == 1);
}

TEST_CASE("pgoutput: REPLICA IDENTITY FULL, no key, truncate, messages, types and origins") {
  FakeCatalog catalog;
  catalog.offset = 3600;
  Decoder decoder(catalog);
  decode(decoder, Message('B').i64(0).i64(commit_us).i32(7));
  // "Odd ""name".x with a quoted type name and an array; every column in the identity (FULL).
  Message rel('R');
  rel.i32(5).str("Odd \"name").str("x").u8('f').i16(2);
  rel.u8(1).str("tags").i32(1009).i32(-1);
  rel.u8(1).str("c").i32(99999).i32(-1);
  CHECK(decode(decoder, rel).empty());
  CHECK(decode(decoder, Message('Y').i32(99999).str("public").str("My Type")).empty());
  CHECK(decode(decoder, Message('O').i64(5).str("origin")).empty());

  auto update = Message('U').i32(5).u8('O').i16(2).text("{a,\"b c\"}").text("v1").u8('N').i16(2).null().text("v2");
  CHECK(decode(decoder, update) == std::vector<std::string>{
      R"({"action":"U","xid":7,"timestamp":"2024-01-02 04:04:05.5+01","schema":"Odd \"name","table":"x","columns":[)"
      R"({"name":"tags","type":"text[]","value":null},{"name":"c","type":"My Type","value":"v2"}],)"
      R"("identity":[{"name":"tags","type":"text[]","value":"{a,\"b c\"}"},{"name":"c","type":"My Type","value":"v1"}],)"
      R"("pk":[]})"});
  // The quoted type name goes out as format_type() wrote it: "My Type" (quotes included).
  Message rel2('R');
  rel2.i32(6).str("").str("y").u8('d').i16(1).u8(0).str("n").i32(20).i32(-1);
  decode(decoder, rel2);
  CHECK(decode(decoder, Message('T').i32(2).u8(1).i32(5).i32(6)) == std::vector<std::string>{
      R"({"action":"T","xid":7,"timestamp":"2024-01-02 04:04:05.5+01","schema":"Odd \"name","table":"x"})",
      R"({"action":"T","xid":7,"timestamp":"2024-01-02 04:04:05.5+01","schema":"pg_catalog","table":"y"})"});
  std::string content("with\0nul", 8);
  CHECK(decode(decoder, Message('M').u8(1).i64(9).str("pfx").i32(static_cast<std::int32_t>(content.size())).raw(content)) ==
        std::vector<std::string>{
            R"({"action":"M","xid":7,"timestamp":"2024-01-02 04:04:05.5+01","transactional":true,"prefix":"pfx","content":"with"})"});
  auto out = decode_raw(decoder, Message('M').u8(0).i64(9).str("p\"x").i32(3).raw("a\tb").bytes());
  REQUIRE(out.size() == 1);
  CHECK(out[0]->json() == R"({"action":"M","xid":null,"timestamp":null,"transactional":false,"prefix":"p\"x","content":"a\tb"})");
}

TEST_CASE("pgoutput: a new Relation message replaces the cached one (ALTER TABLE mid-stream)") {
  FakeCatalog catalog;
  Decoder decoder(catalog);
  decode(decoder, Message('B').i64(0).i64(commit_us).i32(1));
  Message before('R');
  before.i32(9).str("public").str("t").u8('d').i16(1).u8(1).str("id").i32(23).i32(-1);
  decode(decoder, before);
  Message after('R');
  after.i32(9).str("public").str("t").u8('d').i16(2).u8(1).str("id").i32(20).i32(-1).u8(0).str("extra").i32(25).i32(-1);
  catalog.primary_keys[9] = {"id"};
  decode(decoder, after);
  CHECK(catalog.describes == 2);
  auto out = decode(decoder, Message('I').i32(9).u8('N').i16(2).text("5").text("e"));
  CHECK(out == std::vector<std::string>{
      R"({"action":"I","xid":1,"timestamp":"2024-01-02 03:04:05.5+00","schema":"public","table":"t","columns":[)"
      R"({"name":"id","type":"bigint","value":5},{"name":"extra","type":"text","value":"e"}],)"
      R"("pk":[{"name":"id","type":"bigint"}]})"});
  // A tuple of the old shape no longer fits.
  CHECK_THROWS_AS(decode_raw(decoder, Message('I').i32(9).u8('N').i16(1).text("5").bytes()), DecodeError);
}

TEST_CASE("pgoutput: pk is the Relation message's key under the default replica identity, the catalog's otherwise") {
  FakeCatalog catalog;
  Decoder decoder(catalog);
  decode(decoder, Message('B').i64(0).i64(commit_us).i32(1));
  // The key as of the change (a, d), though the catalog knows another one now (or none).
  catalog.primary_keys[3] = {"a"};
  Message composite('R');
  composite.i32(3).str("public").str("r1").u8('d').i16(3);
  composite.u8(1).str("a").i32(23).i32(-1).u8(0).str("v").i32(25).i32(-1).u8(1).str("d").i32(16).i32(-1);
  decode(decoder, composite);
  CHECK_FALSE(catalog.asked_primary_key);
  CHECK(decode(decoder, Message('I').i32(3).u8('N').i16(3).text("1").text("x").text("t"))[0].ends_with(
      R"("pk":[{"name":"a","type":"integer"},{"name":"d","type":"boolean"}]})"));
  // No key at the time of the change: none, whatever the catalog says now.
  catalog.primary_keys[4] = {"id"};
  Message keyless('R');
  keyless.i32(4).str("public").str("k").u8('d').i16(1).u8(0).str("id").i32(23).i32(-1);
  decode(decoder, keyless);
  CHECK(decode(decoder, Message('I').i32(4).u8('N').i16(1).text("1"))[0].ends_with(R"("pk":[]})"));
  // REPLICA IDENTITY USING INDEX: the flags are the index's columns, the key is the catalog's.
  catalog.primary_keys[5] = {"id"};
  Message by_index('R');
  by_index.i32(5).str("public").str("i").u8('i').i16(2).u8(0).str("id").i32(23).i32(-1).u8(1).str("u").i32(25).i32(-1);
  decode(decoder, by_index);
  CHECK(catalog.asked_primary_key);
  CHECK(decode(decoder, Message('I').i32(5).u8('N').i16(2).text("1").text("u1"))[0].ends_with(
      R"("pk":[{"name":"id","type":"integer"}]})"));
}

TEST_CASE("pgoutput: a type dropped since the change is named by its Type message") {
  FakeCatalog catalog;
  Decoder decoder(catalog);
  decode(decoder, Message('B').i64(0).i64(commit_us).i32(1));
  CHECK(decode(decoder, Message('Y').i32(70001).str("").str("int8")).empty());  // a domain: its base type
  CHECK(decode(decoder, Message('Y').i32(70002).str("app").str("mood")).empty());
  catalog.dropped_types = {70001, 70002};
  Message rel('R');
  rel.i32(8).str("public").str("t").u8('d').i16(2).u8(1).str("d").i32(70001).i32(-1).u8(0).str("m").i32(70002).i32(-1);
  decode(decoder, rel);
  CHECK(decode(decoder, Message('I').i32(8).u8('N').i16(2).text("3").text("ok"))[0].find(
            R"("columns":[{"name":"d","type":"pg_catalog.int8","value":"3"},{"name":"m","type":"app.mood","value":"ok"}])") !=
        std::string::npos);
}

TEST_CASE("pgoutput: malformed messages are DecodeErrors") {
  FakeCatalog catalog;
  Decoder decoder(catalog);
  CHECK_THROWS_WITH(decode_raw(decoder, ""), Catch::Contains("empty"));
  CHECK_THROWS_WITH(decode_raw(decoder, "Z"), Catch::Contains("unknown type 'Z'"));
  CHECK_THROWS_WITH(decode_raw(decoder, Message('B').i64(0).bytes()), Catch::Contains("truncated"));
  // A commit time no server writes (found by fuzz_pgoutput_decoder: its text overflowed).
  CHECK_THROWS_WITH(decode_raw(decoder, Message('B').i64(0).i64(INT64_MAX).i32(1).bytes()), Catch::Contains("commit time"));
  CHECK_THROWS_WITH(decode_raw(decoder, Message('B').i64(0).i64(INT64_MIN).i32(1).bytes()), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(decode_raw(decoder, Message('I').i32(77).u8('N').i16(0).bytes()), Catch::Contains("relation 77 was never described"));
  CHECK_THROWS_WITH(decode_raw(decoder, Message('R').i32(1).str("s").bytes()), Catch::Contains("unterminated string"));
  Message rel('R');
  rel.i32(1).str("s").str("t").u8('d').i16(1).u8(0).str("c").i32(25).i32(-1);
  decode_raw(decoder, rel.bytes());
  CHECK_THROWS_WITH(decode_raw(decoder, Message('I').i32(1).u8('N').i16(1).u8('b').i32(1).u8(0).bytes()), Catch::Contains("unknown column kind 'b'"));
  CHECK_THROWS_WITH(decode_raw(decoder, Message('D').i32(1).u8('N').i16(1).null().bytes()), Catch::Contains("old key"));
  // Every prefix of a valid message fails cleanly.
  const std::string valid = Message('I').i32(1).u8('N').i16(1).text("hello").bytes();
  for (std::size_t size = 1; size < valid.size(); ++size) CHECK_THROWS_AS(decode_raw(decoder, valid.substr(0, size)), DecodeError);
}

TEST_CASE("pgoutput: a row change's fields are there before its text, which is written once, when asked for") {
  FakeCatalog catalog;
  catalog.primary_keys[16400] = {"id"};
  Decoder decoder(catalog);
  decode(decoder, Message('B').i64(0x1000).i64(commit_us).i32(732));
  decode(decoder, relation_t());
  auto changes = decode_raw(decoder, Message('I').i32(16400).u8('N').i16(4).text("1").text("a\"b").null().text("f").bytes());
  REQUIRE(changes.size() == 1);
  const DecodedChange& change = *changes[0];
  CHECK_FALSE(change.has_json_text());
  CHECK(change.action() == popyka::sdk::Action::Insert);
  CHECK(change.schema() == "public");
  CHECK(change.table() == "t");
  CHECK(change.xid().json() == "732");
  CHECK(change.timestamp().json() == "\"2024-01-02 03:04:05.5+00\"");
  REQUIRE(change.columns().size() == 4);
  CHECK(change.columns()[1].name == "name");
  CHECK(change.columns()[1].type == "text");
  CHECK(change.columns()[1].value.json() == R"("a\"b")");
  CHECK(change.columns()[2].value.is_null());
  CHECK(change.columns()[3].value.json() == "false");
  REQUIRE(change.primary_key().size() == 1);
  CHECK(change.primary_key()[0].name == "id");
  CHECK(change.find_column("id")->value.as_int64() == 1);
  CHECK_FALSE(change.has_json_text());  // none of that wrote it

  const std::string_view json = change.json();
  CHECK(change.has_json_text());
  CHECK(change.json().data() == json.data());  // written once
  CHECK(change.columns_text().starts_with(R"([{"name":"id","type":"integer","value":1},)"));
  CHECK(json.ends_with(R"("pk":[{"name":"id","type":"integer"}]})"));
  // The next message reuses the change, whose text is to be written again.
  changes = decode_raw(decoder, Message('I').i32(16400).u8('N').i16(4).text("2").null().null().null().bytes());
  CHECK(changes[0] == &change);
  CHECK_FALSE(changes[0]->has_json_text());
  CHECK(changes[0]->json().find(R"("value":2})") != std::string_view::npos);
}

TEST_CASE("pgoutput: a row of a type whose name wal2json writes as unreadable JSON is a DecodeError naming the table") {
  FakeCatalog catalog;
  Decoder decoder(catalog);
  decode(decoder, Message('B').i64(0).i64(commit_us).i32(1));
  // format_type() of a type named My"Type: "My""Type", written as it is (as wal2json does), not JSON.
  decode(decoder, Message('Y').i32(70003).str("\"My\"\"").str("Type\""));
  catalog.dropped_types = {70003};
  Message rel('R');
  rel.i32(8).str("public").str("odd").u8('d').i16(1).u8(1).str("c").i32(70003).i32(-1);
  decode(decoder, rel);
  CHECK_THROWS_WITH(decode_raw(decoder, Message('I').i32(8).u8('N').i16(1).text("x").bytes()),
                    Catch::Contains("relation public.odd") && Catch::Contains("rename the type"));
  // A truncate names no types: fine.
  CHECK(decode(decoder, Message('T').i32(1).u8(0).i32(8)).size() == 1);
}

TEST_CASE("pgoutput: a row change's column details and definitions are the catalog's, for the columns it has") {
  FakeCatalog catalog;
  catalog.primary_keys[16400] = {"id"};
  catalog.details[16400] = {{true, ""}, {true, ""}, {false, ""}, {false, "f,t"}};
  catalog.definitions[16400] = {{"", "nextval('t_id_seq'::regclass)"}, {"", "'abc'::text"}, {"numeric(10,2)", ""}, {"", ""}};
  Decoder decoder(catalog);
  decode(decoder, Message('B').i64(0x1000).i64(commit_us).i32(732));
  decode(decoder, relation_t());
  auto changes = decode_raw(decoder, Message('I').i32(16400).u8('N').i16(4).text("1").text("a").null().text("f").bytes());
  REQUIRE(changes.size() == 1);
  const auto every = changes[0]->column_details();
  REQUIRE(every.size() == 4);
  CHECK(every[1].not_null);
  CHECK_FALSE(every[2].not_null);
  CHECK(every[3].enum_labels == "f,t");
  CHECK(popyka::sdk::column_definitions_of(*changes[0]) == changes[0]);
  const auto defined = changes[0]->column_definitions();
  REQUIRE(defined.size() == 4);
  CHECK(defined[0].default_expression == "nextval('t_id_seq'::regclass)");
  CHECK(defined[0].base_type.empty());
  CHECK(defined[1].default_expression == "'abc'::text");
  CHECK(defined[2].base_type == "numeric(10,2)");
  CHECK(defined[3].default_expression.empty());
  CHECK(changes[0]->snapshot_origin() == popyka::sdk::SnapshotOrigin::none);
  // An unchanged TOASTed value is left out of columns(), and so of column_details().
  changes = decode_raw(decoder, Message('U').i32(16400).u8('N').i16(4).text("1").unchanged().null().text("t").bytes());
  const auto some = changes[0]->column_details();
  REQUIRE(changes[0]->columns().size() == 3);
  REQUIRE(some.size() == 3);
  CHECK(some[0].not_null);
  CHECK_FALSE(some[1].not_null);
  CHECK(some[2].enum_labels == "f,t");
  const auto some_defined = changes[0]->column_definitions();
  REQUIRE(some_defined.size() == 3);
  CHECK(some_defined[0].default_expression == "nextval('t_id_seq'::regclass)");
  CHECK(some_defined[1].base_type == "numeric(10,2)");
  // A catalog that does not say: no details.
  catalog.details.clear();
  decode(decoder, relation_t());
  changes = decode_raw(decoder, Message('I').i32(16400).u8('N').i16(4).text("2").text("b").null().text("f").bytes());
  CHECK(changes[0]->column_details().empty());
  CHECK(changes[0]->column_definitions().empty());
}

TEST_CASE("pgoutput: a NaN or infinite number is null in the text, and its change says which (sdk::SpecialNumbers)") {
  using popyka::sdk::SpecialNumber;
  FakeCatalog catalog;
  catalog.primary_keys[16400] = {"id"};
  Decoder decoder(catalog);
  decode(decoder, Message('B').i64(0x1000).i64(commit_us).i32(732));
  decode(decoder, relation_t());
  auto changes = decode_raw(decoder, Message('I').i32(16400).u8('N').i16(4).text("1").text("NaN").text("NaN").text("t").bytes());
  REQUIRE(changes.size() == 1);
  const popyka::sdk::SpecialNumbers* specials = popyka::sdk::special_numbers_of(*changes[0]);
  REQUIRE(specials != nullptr);
  // The text column's "NaN" is a string, not a number; the numeric one is wal2json's null.
  CHECK(changes[0]->columns()[1].value.json() == "\"NaN\"");
  CHECK(changes[0]->columns()[2].value.json() == "null");
  CHECK(std::vector(specials->in_columns().begin(), specials->in_columns().end()) ==
        std::vector{SpecialNumber::none, SpecialNumber::none, SpecialNumber::nan, SpecialNumber::none});
  CHECK(specials->in_identity().empty());
  // An update's old row (REPLICA IDENTITY FULL) and new row each say theirs.
  changes = decode_raw(decoder, Message('U').i32(16400).u8('O').i16(4).text("1").text("a").text("-Infinity").text("t")
                                    .u8('N').i16(4).text("1").text("a").text("Infinity").text("t").bytes());
  specials = popyka::sdk::special_numbers_of(*changes[0]);
  CHECK(popyka::sdk::special_number_at(specials->in_columns(), 2) == SpecialNumber::infinity);
  CHECK(popyka::sdk::special_number_at(specials->in_identity(), 2) == SpecialNumber::negative_infinity);
  CHECK(changes[0]->json().find("\"value\":null") != std::string_view::npos);
  // An ordinary change and a SQL NULL say none: empty.
  changes = decode_raw(decoder, Message('I').i32(16400).u8('N').i16(4).text("2").text("b").null().text("f").bytes());
  specials = popyka::sdk::special_numbers_of(*changes[0]);
  CHECK(specials->in_columns().empty());
  CHECK(popyka::sdk::special_number_at(specials->in_columns(), 2) == SpecialNumber::none);
}
