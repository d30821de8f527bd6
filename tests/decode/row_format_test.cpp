// The initial snapshot's rows (COPY text -> wal2json's R messages and their decoded changes), and
// wal2json's value and type formatting they share with the pgoutput decoder, without a server.
#include <catch2/catch.hpp>

#include <random>

#include "decode/copy_text.hpp"
#include "decode/formatted_rows.hpp"
#include "decode/row_format.hpp"
#include "decode/wal2json_format.hpp"
#include "decoded_change_check.hpp"

using namespace popyka::decode;

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
  CHECK(value(701, "-1.5E+300") == "-1.5E+300");
  CHECK(value(701, "NaN") == "null");
  CHECK(value(700, "-Infinity") == "null");
  CHECK(value(1700, "Infinity") == "null");
  CHECK(value(16, "t") == "true");
  CHECK(value(16, "f") == "false");
  CHECK(value(17, "\\x0aff") == "\"0aff\"");
  CHECK(value(25, "a \"q\" \\ \n\t\r\b\f \x01 żółć") == "\"a \\\"q\\\" \\\\ \\n\\t\\r\\b\\f \\u0001 żółć\"");
  CHECK(value(1043, "12") == "\"12\"");  // varchar: a string even when it looks like a number
}

namespace {
// Every field of a COPY text row, std::nullopt for NULL.
std::vector<std::optional<std::string>> copy_fields(std::string_view row) {
  std::string scratch;
  std::vector<std::optional<std::string>> fields;
  for (CopyTextFields fields_of(row); fields_of.has_next();) {
    if (fields_of.next_is_null()) {
      fields_of.skip_null();
      fields.emplace_back();
    } else {
      fields.emplace_back(std::string(fields_of.next_text(scratch)));
    }
  }
  return fields;
}
}  // namespace

TEST_CASE("COPY text rows split into fields, NULL and escapes undone") {
  // The row as COPY writes it:  1\\N<TAB>tab\there\\back\nnl\r\b\f\v<TAB><TAB>\N<TAB>last
  const auto fields = copy_fields("1\\\\N\ttab\\there\\\\back\\nnl\\r\\b\\f\\v\t\t\\N\tlast");
  REQUIRE(fields.size() == 5);
  CHECK(fields[0] == "1\\N");  // an escaped backslash: only \N alone is NULL
  CHECK(fields[1] == "tab\there\\back\nnl\r\b\f\v");
  CHECK(fields[2] == "");
  CHECK(fields[3] == std::nullopt);
  CHECK(fields[4] == "last");
  // \N only as a whole field; a backslash that ends a field stands for itself.
  CHECK(copy_fields("\\Nx\tx\\N\t\\N") == std::vector<std::optional<std::string>>{"Nx", "xN", std::nullopt});
  CHECK(copy_fields("a\\\tb\\") == std::vector<std::optional<std::string>>{"a\\", "b\\"});
  CHECK(copy_fields("") == std::vector<std::optional<std::string>>{""});
  CHECK(copy_fields("\t") == std::vector<std::optional<std::string>>{"", ""});
  // Escapes and tabs past the first 8 bytes (fields are scanned 8 bytes at a time).
  CHECK(copy_fields("0123456789abcdef\\n\tżółć żółć żółć\\\\x") ==
        std::vector<std::optional<std::string>>{"0123456789abcdef\n", "żółć żółć żółć\\x"});
}

TEST_CASE("a COPY field written as a JSON string in one pass gives what its text gives") {
  // Rows of random bytes, drawn mostly from what COPY and JSON treat specially, of every length
  // up to 40 (so escapes and tabs fall at every place of the 8-byte words).
  const std::string alphabet = std::string("\t\\Nnbfrtvx\"/\x01\x1f\x7f a\0", 18) + "\xc3\xa9\xf0\x9f\x8e\x89";
  std::mt19937 random(21);
  for (int i = 0; i < 20000; ++i) {
    std::string row(random() % 41, ' ');
    for (char& c : row) c = alphabet[random() % alphabet.size()];
    INFO(popyka::sdk::json_string(row));
    CopyTextFields plain(row), one_pass(row);
    std::string scratch, expected, written;
    while (plain.has_next()) {
      REQUIRE(one_pass.has_next());
      REQUIRE(plain.next_is_null() == one_pass.next_is_null());
      if (plain.next_is_null()) {
        plain.skip_null();
        one_pass.skip_null();
        continue;
      }
      expected.clear();
      written.clear();
      append_json_string(expected, plain.next_text(scratch));
      one_pass.append_next_as_json_string(written);
      REQUIRE(written == expected);
    }
    CHECK_FALSE(one_pass.has_next());
  }
}

TEST_CASE("a COPY text row becomes the R message wal2json would write for the same insert") {
  const std::vector<SnapshotColumn> columns = {
      {"id", "bigint", 20, true}, {"note", "text", 25, false}, {"ok", "boolean", 16, false}, {"f", "double precision", 701, false}};
  const RowFormat format("public", "t\"x", columns, true);
  std::string out, scratch;
  std::vector<ValueSpan> values;
  format.append(out, "7\ta \"q\" \\\\ \\n\tt\tNaN", scratch, values);
  CHECK(out == R"({"action":"R","schema":"public","table":"t\"x","columns":[{"name":"id","type":"bigint","value":7},)"
               R"({"name":"note","type":"text","value":"a \"q\" \\ \n"},{"name":"ok","type":"boolean","value":true},)"
               R"({"name":"f","type":"double precision","value":null}],"pk":[{"name":"id","type":"bigint"}]})");
  out.clear();
  format.append(out, "\\N\t\\N\t\\N\t\\N", scratch, values);
  CHECK(out.find(R"({"name":"id","type":"bigint","value":null},{"name":"note","type":"text","value":null})") != std::string::npos);
  const RowFormat without_pk("s", "t", columns, false);
  out.clear();
  without_pk.append(out, "1\tx\tf\t0.5", scratch, values);
  CHECK(out.ends_with(R"("value":0.5}]})"));
  CHECK_THROWS_WITH(format.append(out, "1\tx", scratch, values), "a COPY row has 2 field(s), the table 4 column(s)");
  CHECK_THROWS_WITH(format.append(out, "1\tx\tt\t1\textra", scratch, values), "a COPY row has more fields than the table's 4 column(s)");
}

TEST_CASE("an R message handed on decoded gives what the decoder makes of its text") {
  const std::vector<SnapshotColumn> columns = {{"id", "bigint", 20, true},
                                               {"Odd \"name\" \\ \x01 żółć", "text", 25, false},
                                               {"mood", "\"Mood\"", 16385, true},
                                               {"moods", "\"Mood\"[]", 16390, false},
                                               {"n", "numeric(20,5)", 1700, false},
                                               {"b", "boolean", 16, false},
                                               {"by", "bytea", 17, false}};
  const RowFormat format("my \"schema\"", "t\\x", columns, true);
  REQUIRE(format.decodable());
  REQUIRE(format.column_count() == columns.size());
  const std::vector<std::string_view> rows = {"7\ta \"q\" \\\\ \\n \\t żółć\tok\t{ok,\"Très bien\"}\t-12.50000\tt\t\\\\x00ff",
                                              "\\N\t\\N\t\\N\t\\N\tNaN\t\\N\t\\N", "8\t\t\t{}\t0\tf\t\\\\x"};
  FormattedRows formatted;
  for (std::string_view row : rows) formatted.append(format, row);
  formatted.finish(format);
  REQUIRE(formatted.decoded());
  REQUIRE(formatted.size() == rows.size());
  popyka::test::DecodedChangeCheck check;
  popyka::decode::DecodedChange message;
  for (std::size_t row = 0; row < rows.size(); ++row) {
    formatted.decode(format, row, 5, message);
    INFO(message.json());
    CHECK(message.json() == formatted.message(row));
    CHECK(check.difference(message) == "");
    // The numeric NaN of the second row is null in the text; the change says it was NaN.
    CHECK(popyka::sdk::special_number_at(message.in_columns(), 4) ==
          (row == 1 ? popyka::sdk::SpecialNumber::nan : popyka::sdk::SpecialNumber::none));
  }
  // A quoted type name with a '"' in it is written as it is (as wal2json does), which is not JSON.
  const RowFormat odd_type("public", "t", {{"x", "\"My\"\"Type\"", 16400, false}}, false);
  CHECK_FALSE(odd_type.decodable());
}

TEST_CASE("an R row handed on decoded carries its columns' NOT NULL, enum labels, base types and defaults, an initial "
          "snapshot's origin") {
  const std::vector<SnapshotColumn> columns = {{"id", "bigint", 20, true, true, "", "", "nextval('t_id_seq'::regclass)"},
                                               {"mood", "\"Mood\"", 16385, false, false, "sad,ok"},
                                               {"price", "money_amount", 16390, false, false, "", "numeric(10,2)", "0"}};
  const RowFormat format("public", "t", columns, true);
  FormattedRows formatted;
  formatted.append(format, "1\tok\t2.50");
  formatted.finish(format);
  popyka::decode::DecodedChange message;
  formatted.decode(format, 0, 5, message);
  CHECK(message.in_columns().empty());  // no special number in the rows
  const auto details = message.column_details();
  REQUIRE(details.size() == 3);
  CHECK(details[0].not_null);
  CHECK(details[0].enum_labels.empty());
  CHECK_FALSE(details[1].not_null);
  CHECK(details[1].enum_labels == "sad,ok");
  CHECK(message.snapshot_origin() == popyka::sdk::SnapshotOrigin::initial);
  CHECK(popyka::sdk::details_of(message) == &message);
  REQUIRE(popyka::sdk::column_definitions_of(message) == &message);
  const auto definitions = message.column_definitions();
  REQUIRE(definitions.size() == 3);
  CHECK(definitions[0].base_type.empty());
  CHECK(definitions[0].default_expression == "nextval('t_id_seq'::regclass)");
  CHECK(definitions[1].base_type.empty());
  CHECK(definitions[1].default_expression.empty());
  CHECK(definitions[2].base_type == "numeric(10,2)");
  CHECK(definitions[2].default_expression == "0");
}

TEST_CASE("R type names are written as wal2json writes format_type()") {
  CHECK(type("character varying(10)") == "\"character varying(10)\"");
  CHECK(type("\"MyEnum\"") == "\"MyEnum\"");
  CHECK(type("\"MyEnum\"[]") == "\"\\\"MyEnum\\\"[]\"");
}
