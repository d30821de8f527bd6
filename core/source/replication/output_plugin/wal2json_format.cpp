#include "source/replication/output_plugin/wal2json_format.hpp"

#include <algorithm>
#include <cctype>

namespace popyka::source::replication {
namespace {

// PostgreSQL's type oids that wal2json prints other than as strings (pg_type.dat).
enum : std::uint32_t {
  bool_oid = 16,
  bytea_oid = 17,
  int8_oid = 20,
  int2_oid = 21,
  int4_oid = 23,
  oid_oid = 26,
  float4_oid = 700,
  float8_oid = 701,
  numeric_oid = 1700,
};

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

void append_wal2json_type(std::string& out, std::string_view type_name) {
  if (!type_name.empty() && type_name.front() == '"' && type_name.back() != ']') {
    out += type_name;
  } else {
    append_json_string(out, type_name);
  }
}

void append_wal2json_value(std::string& out, std::uint32_t type_oid, std::optional<std::string_view> text) {
  if (!text) {
    out += "null";
    return;
  }
  switch (type_oid) {
    case int2_oid: case int4_oid: case int8_oid: case oid_oid: case float4_oid: case float8_oid: case numeric_oid:
      if (starts_with_ignoring_case(*text, "NaN") || starts_with_ignoring_case(*text, "Infinity") ||
          starts_with_ignoring_case(*text, "-Infinity")) {
        out += "null";
      } else if (text->find_first_not_of("0123456789+-eE.") == std::string_view::npos) {
        out += *text;
      } else {
        append_json_string(out, *text);  // wal2json fails here ("is not a number"); cannot happen
      }
      break;
    case bool_oid:
      out += *text == "t" ? "true" : "false";
      break;
    case bytea_oid:
      append_json_string(out, text->size() >= 2 ? text->substr(2) : std::string_view{});
      break;
    default:
      append_json_string(out, *text);
  }
}

}  // namespace popyka::source::replication
