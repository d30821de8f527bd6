#include "column_default.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <stdexcept>

#include <popyka/sdk/json.hpp>

namespace popyka::kafka::debezium {

namespace {

using Kind = PgType::Kind;

// PostgresDefaultValueConverter's mappers, by the type they are registered for; the types
// without one (timetz, money, bytea, inet, arrays, domains, ...) have no default.
enum class Mapper { None, Integer, Float, Numeric, Bool, Bit, VarBit, Text, Json, Uuid, Date, Time, Timestamp, TimestampTz, Interval };

// format_type()'s name without its modifiers: `character varying(10)` is `character varying`.
std::string base_name(std::string_view type_name) {
  std::string name(type_name);
  if (const auto open = name.find('('); open != std::string::npos) {
    const auto close = name.find(')', open);
    if (close != std::string::npos) name.erase(open, close - open + 1);
  }
  return name;
}

Mapper mapper_of(std::string_view type_name, const PgType& type) {
  if (type.array) return Mapper::None;  // Debezium's `_int4` and the like have no mapper
  const std::string name = base_name(type_name);
  switch (type.kind) {
    case Kind::Int16:
    case Kind::Int32: return Mapper::Integer;
    case Kind::Int64: return name == "bigint" ? Mapper::Integer : Mapper::None;  // not oid
    case Kind::Float32:
    case Kind::Float64: return Mapper::Float;
    case Kind::Numeric: return Mapper::Numeric;
    case Kind::Boolean: return Mapper::Bool;
    case Kind::Bit: return name == "bit" ? Mapper::Bit : Mapper::VarBit;
    case Kind::Text:
      return name == "text" || name == "character varying" || name == "character" ? Mapper::Text : Mapper::None;
    case Kind::Xml: return Mapper::Text;
    case Kind::Json: return Mapper::Json;
    case Kind::Uuid: return Mapper::Uuid;
    case Kind::Date: return Mapper::Date;
    case Kind::Time: return Mapper::Time;
    case Kind::Timestamp: return Mapper::Timestamp;
    case Kind::TimestampTz: return Mapper::TimestampTz;
    case Kind::Interval: return Mapper::Interval;
    default: return Mapper::None;
  }
}

// What stands for a default that calls a function (extractDefault's generatedValuePlaceholder),
// as the text PostgreSQL writes for that value; none for an interval (Debezium's
// PGInterval("epoch") fails).
std::optional<std::string_view> placeholder(Mapper mapper) {
  switch (mapper) {
    case Mapper::Integer: return "0";
    case Mapper::Float:
    case Mapper::Numeric: return "0.0";
    case Mapper::Bool: return "false";
    case Mapper::Bit: return "00";
    case Mapper::VarBit: return "0";
    case Mapper::Json: return "{}";
    case Mapper::Uuid: return "00000000-0000-0000-0000-000000000000";
    case Mapper::Date: return "1970-01-01";
    case Mapper::Time: return "00:00:00";
    case Mapper::Timestamp: return "1970-01-01 00:00:00";
    case Mapper::TimestampTz: return "1970-01-01 00:00:00+00";
    case Mapper::Text: return "";
    default: return std::nullopt;
  }
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.'; }

// FUNCTION_DEFAULT_PATTERN `^[(]?[A-Za-z0-9_.]+\((?:.+(?:, ?.+)*)?\)`: a name and `(`, a `)` after it.
bool calls_function(std::string_view e) {
  std::size_t i = !e.empty() && e.front() == '(' ? 1 : 0;
  const std::size_t name = i;
  while (i < e.size() && identifier_char(e[i])) ++i;
  return i > name && i < e.size() && e[i] == '(' && e.find(')', i + 1) != std::string_view::npos;
}

bool is_current_date_time(std::string_view e) {
  constexpr std::array<std::string_view, 5> kNames = {"current_timestamp", "current_time", "current_date", "localtime", "localtimestamp"};
  return std::any_of(kNames.begin(), kNames.end(), [&](std::string_view n) {
    return n.size() == e.size() && std::equal(n.begin(), n.end(), e.begin(), [](char a, char b) {
             return a == std::tolower(static_cast<unsigned char>(b));
           });
  });
}

// extractDefault: the placeholder for a function call, the text between the first two quotes
// of a cast literal (`'abc'::text`: `abc`; `'it''s'` is `it`, as Debezium's non-greedy match),
// the expression as it is when it has no quote; nothing for `NULL::type`.
bool extract(std::string_view e, Mapper mapper, std::string_view& text) {
  if (calls_function(e) || is_current_date_time(e)) {
    const auto generated = placeholder(mapper);
    if (generated) text = *generated;
    return generated.has_value();
  }
  const auto open = e.find('\'');
  if (open == std::string_view::npos) {
    text = e;
    return !e.starts_with("NULL::");
  }
  const auto close = e.find('\'', open + 1);
  if (close == std::string_view::npos) return false;
  text = e.substr(open + 1, close - open - 1);
  return true;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A type name without schema and quotes: `public."Mood"` is `Mood`.
std::string_view unqualified_name(std::string_view name) {
  if (name.size() >= 2 && name.back() == '"') {
    const auto open = name.rfind('"', name.size() - 2);
    return open == std::string_view::npos ? name : name.substr(open + 1, name.size() - open - 2);
  }
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

// extractEnumDefault: `'happy'::mood` is `happy` when the cast names the column's enum.
bool enum_default(std::string_view type_name, std::string_view e, std::string& out) {
  const auto cast = e.rfind("::");
  if (cast == std::string_view::npos || unqualified_name(e.substr(cast + 2)) != unqualified_name(type_name)) return false;
  const std::string_view literal = e.substr(0, cast);
  if (literal.size() < 2 || literal.front() != '\'' || literal.back() != '\'') return false;
  sdk::append_json_string(out, literal.substr(1, literal.size() - 2));
  return true;
}

}  // namespace

bool derive_column_default(const ColumnDefaultInput& column, ColumnValueWriter& values, std::string& out) {
  out.clear();
  if (column.expression.empty() || column.domain) return false;  // a domain's name has no mapper in Debezium
  if (!column.enum_labels.empty()) return !column.type.array && enum_default(column.type_name, column.expression, out);
  const Mapper mapper = mapper_of(column.type_name, column.type);
  if (mapper == Mapper::None) return false;
  // Debezium trims the expression of every type but the text ones before reading it.
  const bool text_type = mapper == Mapper::Text || mapper == Mapper::Json;
  const std::string_view expression = text_type ? column.expression : trimmed(column.expression);
  std::string_view text;
  if (!extract(expression, mapper, text)) return false;
  if (mapper == Mapper::Bool) {  // Boolean.parseBoolean: `true` in any case, anything else false
    const bool yes = text.size() == 4 && std::equal(text.begin(), text.end(), "true", [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) == b;
                     });
    out += yes ? "true" : "false";
    return true;
  }
  if ((mapper == Mapper::Bit || mapper == Mapper::VarBit) && column.type.precision == 1) {
    // convertBits for a column of one bit: the bits as a number, zero or not (`00` is false).
    if (text.empty() || text.find_first_not_of("01") != std::string_view::npos) return false;
    out += text.find('1') != std::string_view::npos ? "true" : "false";
    return true;
  }
  if (mapper == Mapper::Numeric) {
    // new BigDecimal() reads no NaN nor infinity; a VariableScaleDecimal is a Struct, which
    // Debezium never uses as a default (KAFKA-12694).
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") return false;
    if (values.decimal_mode() == DecimalMode::Precise && column.type.scale < 0) return false;
  }
  std::string json;
  sdk::append_json_string(json, text);
  const sdk::Column value{"default", column.type_name, sdk::Value(json)};
  try {
    values.append_value(out, value, column.type);
  } catch (const std::runtime_error&) {  // Debezium: "Cannot parse column default value", no default
    out.clear();
    return false;
  }
  if (out == "null") out.clear();  // a date's infinity and the like
  return !out.empty();
}

void derive_defaults(TableShape& shape, ColumnValueWriter& values, bool replace_null_with_default) {
  for (ShapeColumn& c : shape.columns) {
    derive_column_default({c.type_name, c.type, !c.base_type.empty(), c.enum_labels, c.default_expression}, values,
                          c.default_json);
    c.null_as_default = replace_null_with_default && !c.default_json.empty();
  }
  copy_definitions_to_key(shape);
  shape.defaults_pending = false;
}

}  // namespace popyka::kafka::debezium
