#include "decode/wal2json_format.hpp"

#include <algorithm>
#include <cctype>

namespace popyka::decode {
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

// What a number printed as it is is made of.
bool is_number_char(char c) { return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.'; }

// The numbers wal2json writes as null, by its test (a prefix, any case).
sdk::SpecialNumber special_number(std::string_view text) {
  if (starts_with_ignoring_case(text, "NaN")) return sdk::SpecialNumber::nan;
  if (starts_with_ignoring_case(text, "Infinity")) return sdk::SpecialNumber::infinity;
  if (starts_with_ignoring_case(text, "-Infinity")) return sdk::SpecialNumber::negative_infinity;
  return sdk::SpecialNumber::none;
}

}  // namespace

bool read_back_json_string(std::string_view written, std::string& out) {
  try {
    out = sdk::decode_json_string(written);
  } catch (const sdk::TypeError&) {
    return false;
  }
  std::string again;
  append_json_string(again, out);
  return again == written;
}

void append_wal2json_type(std::string& out, std::string_view type_name) {
  if (!type_name.empty() && type_name.front() == '"' && type_name.back() != ']') {
    out += type_name;
  } else {
    append_json_string(out, type_name);
  }
}

Wal2JsonValue wal2json_value_kind(std::uint32_t type_oid) {
  switch (type_oid) {
    case int2_oid: case int4_oid: case int8_oid: case oid_oid: case float4_oid: case float8_oid: case numeric_oid:
      return Wal2JsonValue::number;
    case bool_oid: return Wal2JsonValue::boolean;
    case bytea_oid: return Wal2JsonValue::bytea;
    default: return Wal2JsonValue::string;
  }
}

sdk::SpecialNumber append_wal2json_value(std::string& out, Wal2JsonValue kind, std::string_view text) {
  switch (kind) {
    case Wal2JsonValue::number:
      if (std::all_of(text.begin(), text.end(), is_number_char)) {  // the common case: no NaN or Infinity
        out += text;
        break;
      }
      if (auto special = special_number(text); special != sdk::SpecialNumber::none) {
        out += "null";
        return special;
      }
      append_json_string(out, text);  // wal2json fails here ("is not a number"); cannot happen
      break;
    case Wal2JsonValue::boolean:
      out += text == "t" ? "true" : "false";
      break;
    case Wal2JsonValue::bytea:
      append_json_string(out, text.size() >= 2 ? text.substr(2) : std::string_view{});
      break;
    case Wal2JsonValue::string:
      append_json_string(out, text);
  }
  return sdk::SpecialNumber::none;
}

}  // namespace popyka::decode
