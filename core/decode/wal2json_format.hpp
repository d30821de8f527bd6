#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "popyka/sdk/change_details.hpp"
#include "popyka/sdk/json.hpp"

namespace popyka::decode {

// wal2json 2.5's formatting of names, types and values (pg_decode_write_value), for the messages
// popyka writes itself in wal2json v2: the initial snapshot's R rows and pgoutput's changes.

// Strings: the SDK's append_json_string (PostgreSQL's escape_json(), as wal2json).
using sdk::append_json_string;
// The text of the JSON string `written` as the wal2json decoder reads it (names and types are
// unescaped); false when the decoder would refuse it (only escape_json()'s output is sure to be
// read, so anything else is refused here).
bool read_back_json_string(std::string_view written, std::string& out);
// A format_type() name as wal2json writes it: as it is when already a quoted identifier (not an
// array), else as a JSON string.
void append_wal2json_type(std::string& out, std::string_view type_name);

// Where a value went in the text it was appended to.
struct ValueSpan {
  std::size_t offset, size;
};

// A value written as null that was a special number (NaN, ±Infinity): which one (its index among
// the values written) and what it was. Rare, so kept apart from the ValueSpans of every value.
struct SpecialValue {
  std::size_t value;
  sdk::SpecialNumber special;
};

// How wal2json writes the values of a type: int2/4/8, oid, float4/8 and numeric as JSON numbers
// (NaN and ±Infinity as null), bool as true/false, bytea's hex without its \x, everything else
// as a JSON string (append_json_string).
enum class Wal2JsonValue { number, boolean, bytea, string };
Wal2JsonValue wal2json_value_kind(std::uint32_t type_oid);
// A value whose type output function printed `text`, as wal2json writes it. Returns the special
// number (NaN, ±Infinity) written as null, which the JSON no longer tells.
sdk::SpecialNumber append_wal2json_value(std::string& out, Wal2JsonValue kind, std::string_view text);
// The same, of the type `type_oid`; std::nullopt (NULL) as null.
inline void append_wal2json_value(std::string& out, std::uint32_t type_oid, std::optional<std::string_view> text) {
  if (text) append_wal2json_value(out, wal2json_value_kind(type_oid), *text);
  else out += "null";
}

}  // namespace popyka::decode
