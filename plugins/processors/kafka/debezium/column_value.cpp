#include "column_value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include <popyka/sdk/json.hpp>
#include "base64.hpp"

namespace popyka::kafka::debezium {

namespace {

using Kind = PgType::Kind;

// The digits and exponent of a number's shortest round-trip form, written as Java does.
template <class T>
void append_java(std::string& out, T value) {
  if (std::isnan(value) || std::isinf(value)) {  // JSON has no NaN: Debezium's JsonConverter would write it bare
    out += std::isnan(value) ? "\"NaN\"" : (value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(end - buf));  // -1.2345e+10
  const auto e = sci.find('e');
  std::string_view mantissa = sci.substr(0, e);
  int exponent = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+'), sci.data() + sci.size(), exponent);
  const bool negative = mantissa.front() == '-';
  if (negative) mantissa.remove_prefix(1);
  std::string digits;  // the significant digits, without the point
  for (const char c : mantissa)
    if (c != '.') digits += c;
  if (negative) out += '-';
  const double magnitude = std::fabs(static_cast<double>(value));
  if (value == 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const int point = exponent + 1;  // digits before the point
    if (point <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-point), '0');
      out += digits;
    } else if (static_cast<std::size_t>(point) >= digits.size()) {
      out += digits;
      out.append(static_cast<std::size_t>(point) - digits.size(), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<std::size_t>(point));
      out += '.';
      out.append(digits, static_cast<std::size_t>(point));
    }
    return;
  }
  out += digits[0];
  out += '.';
  out += digits.size() > 1 ? std::string_view(digits).substr(1) : std::string_view("0");
  out += 'E';
  out += std::to_string(exponent);
}


// Types whose JSON is their text as a JSON string, as wal2json writes it.
bool passes_through(const PgType& type) {
  return !type.array && (type.kind == Kind::Text || type.kind == Kind::Json || type.kind == Kind::Xml ||
                         type.kind == Kind::Uuid || type.kind == Kind::Ltree || type.kind == Kind::TsVector);
}

bool is_integer_text(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  if (text.empty()) return false;
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

void append_quoted_base64(std::string& out, std::string_view bytes) {
  out += '"';
  append_base64(out, bytes);
  out += '"';
}

// TIME(0..3) and TIMESTAMP(0..3) are milliseconds under time.precision.mode=adaptive; wider or
// unspecified precision is microseconds.
bool in_millis(const PgType& type) { return type.precision >= 0 && type.precision <= 3; }

// A point's well-known binary (little-endian, type 1), as Debezium's Point.createValue() writes it.
void point_wkb(double x, double y, std::string& bytes) {
  bytes.assign("\x01\x01\x00\x00\x00", 5);
  for (const double v : {x, y}) {
    unsigned char raw[8];
    std::memcpy(raw, &v, 8);
    bytes.append(reinterpret_cast<const char*>(raw), 8);  // x86-64 and arm64 are little-endian
  }
}

// A number of pgvector's text (`1`, `-2.5`, `1e-05`), spaces around it allowed.
bool read_number(std::string_view text, double& value) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return !text.empty() && std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc{} &&
         std::isfinite(value);
}

bool read_int16(std::string_view text, int& value) {
  double v = 0;
  if (!read_number(text, v) || v != std::floor(v) || std::fabs(v) > 32767) return false;
  value = static_cast<int>(v);
  return true;
}

// Calls `item` with each comma-separated piece of `text` between `open` and `close` (none when
// empty); false when the brackets are missing or an item returns false.
template <class Item>
bool each_item(std::string_view text, char open, char close, Item item) {
  if (text.size() < 2 || text.front() != open || text.back() != close) return false;
  const std::string_view list = text.substr(1, text.size() - 2);
  for (std::size_t start = 0; !list.empty();) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (!item(list.substr(start, comma - start))) return false;
    if (comma == list.size()) break;
    start = comma + 1;
  }
  return true;
}

// pgvector's vector or halfvec `[1,2.5,3]` as a JSON array of Java doubles or floats
// (Debezium's DoubleVector, FloatVector); false when the text is not one.
bool vector_to_json(std::string_view text, bool floats, std::string& json) {
  json = "[";
  const bool ok = each_item(text, '[', ']', [&](std::string_view item) {
    double v = 0;
    if (!read_number(item, v)) return false;
    if (json.size() > 1) json += ',';
    if (floats) append_java(json, static_cast<float>(v));
    else append_java(json, v);
    return true;
  });
  json += ']';
  return ok;
}

// pgvector's sparsevec `{1:201,9:209}/3000` as Debezium's SparseDoubleVector in JsonConverter's
// JSON: `{"dimensions":3000,"vector":[[1,201.0],[9,209.0]]}` (a map with int16 keys is an array
// of pairs); false when the text is not one.
bool sparse_vector_to_json(std::string_view text, std::string& json) {
  const auto slash = text.rfind('/');
  int dimensions = 0;
  if (slash == std::string_view::npos || !read_int16(text.substr(slash + 1), dimensions)) return false;
  json = "{\"dimensions\":" + std::to_string(dimensions) + ",\"vector\":[";
  const std::size_t first = json.size();
  const bool ok = each_item(text.substr(0, slash), '{', '}', [&](std::string_view entry) {
    const auto colon = entry.find(':');
    int index = 0;
    double value = 0;
    if (colon == std::string_view::npos || !read_int16(entry.substr(0, colon), index) ||
        !read_number(entry.substr(colon + 1), value))
      return false;
    json += json.size() == first ? "[" : ",[";
    json += std::to_string(index);
    json += ',';
    append_java(json, value);
    json += ']';
    return true;
  });
  json += "]}";
  return ok;
}

}  // namespace

std::string_view json_string_text(std::string_view json, std::string& buffer) {
  if (json.size() < 2 || json.front() != '"') return json;
  const std::string_view body = json.substr(1, json.size() - 2);
  if (body.find('\\') == std::string_view::npos) return body;
  buffer.clear();
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      buffer += body[i];
      continue;
    }
    const char e = body[++i];
    if (e != 'u') {
      buffer += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
      continue;
    }
    // \uXXXX (and a surrogate pair): rare, let the SDK's decoder do it
    buffer = sdk::decode_json_string(json);
    return buffer;
  }
  return buffer;
}

void append_integer(std::string& out, std::int64_t value) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

void append_java_number(std::string& out, double value) { append_java(out, value); }
void append_java_number(std::string& out, float value) { append_java(out, value); }

void ColumnValueWriter::refuse(const PgType& type, std::string_view text) const {
  throw std::runtime_error("Debezium format: column '" + std::string(column_ ? column_->name : "?") + "' of type '" +
                           std::string(column_ ? column_->type : "?") + "': cannot read '" +
                           std::string(text.substr(0, 60)) + "' as " + (type.array ? "an array" : "its type"));
}

void ColumnValueWriter::append_value(std::string& out, const sdk::Column& column, const PgType& type, sdk::SpecialNumber special,
                                     const std::string* null_default) {
  column_ = &column;
  const std::string_view json = column.value.json();
  if (json.empty() || json == "null") {
    if (special != sdk::SpecialNumber::none && !type.array) {  // PostgreSQL's text of it, as in an array
      append_scalar(out, type, special == sdk::SpecialNumber::nan ? "NaN" : special == sdk::SpecialNumber::infinity ? "Infinity" : "-Infinity", {});
      return;
    }
    if (null_default != nullptr) out += *null_default;
    else out += "null";
    return;
  }
  if (type.array) {
    append_array(out, type, json_string_text(json, text_));
    return;
  }
  if (passes_through(type) && column.value.is_string()) {  // wal2json's string is already Debezium's JSON
    out += json;
    return;
  }
  const std::string_view text = column.value.is_string() ? json_string_text(json, text_) : json;
  append_scalar(out, type, text, json);
}

void ColumnValueWriter::append_array(std::string& out, const PgType& type, std::string_view literal) {
  if (!parse_array(literal, tokens_, elements_)) refuse(type, literal);
  PgType element = type;
  element.array = false;
  bool first = true;
  for (const ArrayToken& t : tokens_) {
    switch (t.kind) {
      case ArrayToken::Kind::Open:
        if (!first) out += ',';
        out += '[';
        first = true;
        continue;
      case ArrayToken::Kind::Close:
        out += ']';
        first = false;
        continue;
      case ArrayToken::Kind::Null:
        if (!first) out += ',';
        out += "null";
        break;
      case ArrayToken::Kind::Element:
        if (!first) out += ',';
        append_scalar(out, element, std::string_view(elements_).substr(t.offset, t.size), {});
        break;
    }
    first = false;
  }
}

void ColumnValueWriter::append_scalar(std::string& out, const PgType& type, std::string_view text, std::string_view json) {
  switch (type.kind) {
    case Kind::Int16:
    case Kind::Int32:
    case Kind::Int64:
      if (!is_integer_text(text)) refuse(type, text);
      out += text;
      return;
    case Kind::Float32:
    case Kind::Float64: {
      double v = 0;
      if (text == "NaN") v = NAN;
      else if (text == "Infinity") v = INFINITY;
      else if (text == "-Infinity") v = -INFINITY;
      else if (std::from_chars(text.data(), text.data() + text.size(), v).ec != std::errc{}) refuse(type, text);
      if (type.kind == Kind::Float32) append_java(out, static_cast<float>(v));
      else append_java(out, v);
      return;
    }
    case Kind::Boolean:
      if (text == "true" || text == "t") out += "true";
      else if (text == "false" || text == "f") out += "false";
      else refuse(type, text);
      return;
    case Kind::Text:
    case Kind::Json:
    case Kind::Xml:
    case Kind::Uuid:
    case Kind::Ltree:
    case Kind::TsVector:
      if (!json.empty() && json.front() == '"') out += json;  // wal2json's string is already JSON
      else sdk::append_json_string(out, text);
      return;
    case Kind::Hstore:
      if (!hstore_to_json(text, json_)) refuse(type, text);
      sdk::append_json_string(out, json_);
      return;
    case Kind::Vector:
    case Kind::HalfVector:
      if (!vector_to_json(text, type.kind == Kind::HalfVector, json_)) refuse(type, text);
      out += json_;
      return;
    case Kind::SparseVector:
      if (!sparse_vector_to_json(text, json_)) refuse(type, text);
      out += json_;
      return;
    case Kind::Bytea:
      if (!decode_bytea(text, bytes_)) refuse(type, text);
      append_quoted_base64(out, bytes_);
      return;
    case Kind::Bit:
      if (type.precision == 1) {
        if (text != "0" && text != "1") refuse(type, text);
        out += text == "1" ? "true" : "false";
        return;
      }
      if (text.find_first_not_of("01") != std::string_view::npos) refuse(type, text);
      bits_to_bytes(text, bytes_);
      append_quoted_base64(out, bytes_);
      return;
    case Kind::Numeric:
      if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
        // Debezium: special values only in string mode (SpecialValueDecimal's names) and double
        // mode; a Decimal cannot hold them (Debezium fails, popyka writes null).
        if (mode_ == DecimalMode::String)
          sdk::append_json_string(out, text == "NaN" ? "NAN" : text == "Infinity" ? "POSITIVE_INFINITY" : "NEGATIVE_INFINITY");
        else if (mode_ == DecimalMode::Double) append_java(out, text == "NaN" ? NAN : (text.front() == '-' ? -INFINITY : INFINITY));
        else out += "null";
        return;
      }
      if (!parse_decimal(text, decimal_)) refuse(type, text);
      append_decimal(out, type);
      return;
    case Kind::Money:
      if (!parse_money(text, 2, decimal_)) refuse(type, text);
      append_decimal(out, type);
      return;
    case Kind::Date: {
      const auto days = parse_date(text);
      if (!days) {
        if (text != "infinity" && text != "-infinity") refuse(type, text);
        out += "null";
        return;
      }
      append_integer(out, *days);
      return;
    }
    case Kind::Time: {
      const auto micros = parse_time(text);
      if (!micros) refuse(type, text);
      append_integer(out, in_millis(type) ? *micros / 1000 : *micros);
      return;
    }
    case Kind::TimeTz: {
      const auto micros = parse_time_tz(text);
      if (!micros) refuse(type, text);
      out += '"';
      append_iso_time_utc(out, *micros);
      out += '"';
      return;
    }
    case Kind::Timestamp: {
      int infinite = 0;
      const auto micros = parse_timestamp(text, &infinite);
      if (!micros) refuse(type, text);
      append_integer(out, infinite != 0 || !in_millis(type) ? *micros : floor_div(*micros, 1000));
      return;
    }
    case Kind::TimestampTz: {
      int infinite = 0;
      const auto micros = parse_timestamp(text, &infinite);
      if (!micros) refuse(type, text);
      if (infinite != 0) {
        sdk::append_json_string(out, text);
        return;
      }
      out += '"';
      append_iso_timestamp(out, *micros, type.precision < 0 ? 6 : type.precision);
      out += '"';
      return;
    }
    case Kind::Interval: {
      const auto micros = parse_interval(text);
      if (!micros) refuse(type, text);
      append_integer(out, *micros);
      return;
    }
    case Kind::Point: {
      double x = 0, y = 0;
      const auto comma = text.find(',');
      if (text.size() < 5 || text.front() != '(' || text.back() != ')' || comma == std::string_view::npos ||
          std::from_chars(text.data() + 1, text.data() + comma, x).ec != std::errc{} ||
          std::from_chars(text.data() + comma + 1, text.data() + text.size() - 1, y).ec != std::errc{})
        refuse(type, text);
      out += "{\"x\":";
      append_java(out, x);
      out += ",\"y\":";
      append_java(out, y);
      out += ",\"wkb\":";
      point_wkb(x, y, bytes_);
      append_quoted_base64(out, bytes_);
      out += ",\"srid\":null}";
      return;
    }
  }
}

void ColumnValueWriter::append_decimal(std::string& out, const PgType& type) {
  const bool money = type.kind == Kind::Money;
  switch (mode_) {
    case DecimalMode::String:
      out += '"';
      if (decimal_.negative) out += '-';
      {
        // digits with the point put back, at least one digit before it
        const std::size_t before = decimal_.digits.size() - static_cast<std::size_t>(decimal_.scale);
        out.append(decimal_.digits, 0, before);
        if (before == 0) out += '0';
        if (decimal_.scale > 0) {
          out += '.';
          out.append(decimal_.digits, before);
        }
      }
      out += '"';
      return;
    case DecimalMode::Double: {
      json_ = decimal_.negative ? "-" : "";
      const std::size_t before = decimal_.digits.size() - static_cast<std::size_t>(decimal_.scale);
      json_.append(decimal_.digits, 0, before);
      json_ += '.';
      json_.append(decimal_.digits, before);
      json_ += '0';
      double v = 0;
      std::from_chars(json_.data(), json_.data() + json_.size(), v);
      append_java(out, v);
      return;
    }
    case DecimalMode::Precise:
      if (money || type.scale >= 0) {
        rescale(decimal_, money ? 2 : type.scale);
        unscaled_bytes(decimal_, bytes_);
        append_quoted_base64(out, bytes_);
        return;
      }
      strip_fraction_zeros(decimal_);  // as Debezium: 1.50 is 15 scale 1, 1500.00 is 1500 scale 0
      out += "{\"scale\":";
      append_integer(out, decimal_.scale);
      out += ",\"value\":";
      unscaled_bytes(decimal_, bytes_);
      append_quoted_base64(out, bytes_);
      out += '}';
      return;
  }
}

void ColumnValueWriter::append_unavailable(std::string& out, const PgType& type) {
  switch (type.kind) {
    case Kind::Text:
    case Kind::Json:
    case Kind::Xml:
    case Kind::Uuid:
    case Kind::Ltree:
    case Kind::TsVector:
    case Kind::Hstore:
      if (type.array) out += '[';
      sdk::append_json_string(out, kUnavailableValue);
      if (type.array) out += ']';
      return;
    case Kind::Bytea:
      if (type.array) out += '[';
      append_quoted_base64(out, kUnavailableValue);
      if (type.array) out += ']';
      return;
    default:
      out += "null";
      return;
  }
}

void ColumnValueWriter::open_enum_schema(std::string& out, std::string_view labels, bool array, bool optional) {
  if (array) {
    out += R"({"type":"array","items":)";
    open_enum_schema(out, labels, false, false);
    out += optional ? R"(},"optional":true)" : R"(},"optional":false)";
    return;
  }
  out += optional ? R"({"type":"string","optional":true)" : R"({"type":"string","optional":false)";
  out += R"(,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":)";
  sdk::append_json_string(out, labels);
  out += '}';
}

void ColumnValueWriter::open_schema(std::string& out, const PgType& type, bool optional) const {
  const char* opt = optional ? "true" : "false";
  if (type.array) {
    PgType element = type;
    element.array = false;
    out += "{\"type\":\"array\",\"items\":";
    open_schema(out, element, true);
    out += "},\"optional\":";
    out += opt;
    return;
  }
  // `{"type":T,"optional":O[,"name":N,"version":1[,"doc":D][,"parameters":{...}]]`, JsonConverter's order.
  auto simple = [&](std::string_view connect_type, std::string_view name = {}) {
    out += "{\"type\":\"";
    out += connect_type;
    out += "\",\"optional\":";
    out += opt;
    if (!name.empty()) {
      out += ",\"name\":\"";
      out += name;
      out += "\",\"version\":1";
    }
  };
  switch (type.kind) {
    case Kind::Int16: return simple("int16");
    case Kind::Int32: return simple("int32");
    case Kind::Int64: return simple("int64");
    case Kind::Float32: return simple("float");
    case Kind::Float64: return simple("double");
    case Kind::Boolean: return simple("boolean");
    case Kind::Text: return simple("string");
    case Kind::Json:
    case Kind::Hstore: return simple("string", "io.debezium.data.Json");
    case Kind::Xml: return simple("string", "io.debezium.data.Xml");
    case Kind::Uuid: return simple("string", "io.debezium.data.Uuid");
    case Kind::Ltree: return simple("string", "io.debezium.data.Ltree");
    case Kind::TsVector: return simple("string", "io.debezium.data.Tsvector");
    case Kind::Vector:
    case Kind::HalfVector:
      out += type.kind == Kind::Vector ? R"({"type":"array","items":{"type":"double","optional":false},"optional":)"
                                       : R"({"type":"array","items":{"type":"float","optional":false},"optional":)";
      out += opt;
      out += type.kind == Kind::Vector ? R"(,"name":"io.debezium.data.DoubleVector","version":1)"
                                       : R"(,"name":"io.debezium.data.FloatVector","version":1)";
      return;
    case Kind::SparseVector:
      out += R"({"type":"struct","fields":[{"type":"int16","optional":false,"field":"dimensions"},)"
             R"({"type":"map","keys":{"type":"int16","optional":false},"values":{"type":"double","optional":false},)"
             R"("optional":false,"field":"vector"}],"optional":)";
      out += opt;
      out += R"(,"name":"io.debezium.data.SparseDoubleVector","version":1,"doc":"Sparse double vector")";
      return;
    case Kind::Bytea: return simple("bytes");
    case Kind::Bit:
      if (type.precision == 1) return simple("boolean");
      simple("bytes", "io.debezium.data.Bits");
      out += ",\"parameters\":{\"length\":\"";
      out += std::to_string(type.precision < 0 ? 2147483647 : type.precision);
      out += "\"}";
      return;
    case Kind::Numeric:
    case Kind::Money:
      if (mode_ == DecimalMode::String) return simple("string");
      if (mode_ == DecimalMode::Double) return simple("double");
      if (type.kind == Kind::Numeric && type.scale < 0) {
        out += "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"scale\"},"
               "{\"type\":\"bytes\",\"optional\":false,\"field\":\"value\"}],\"optional\":";
        out += opt;
        out += ",\"name\":\"io.debezium.data.VariableScaleDecimal\",\"version\":1,\"doc\":\"Variable scaled decimal\"";
        return;
      }
      simple("bytes", "org.apache.kafka.connect.data.Decimal");
      out += ",\"parameters\":{\"scale\":\"";
      out += std::to_string(type.kind == Kind::Money ? 2 : type.scale);
      out += '"';
      if (type.kind == Kind::Numeric) {
        out += ",\"connect.decimal.precision\":\"";
        out += std::to_string(type.precision);
        out += '"';
      }
      out += '}';
      return;
    case Kind::Date: return simple("int32", "io.debezium.time.Date");
    case Kind::Time: return in_millis(type) ? simple("int32", "io.debezium.time.Time") : simple("int64", "io.debezium.time.MicroTime");
    case Kind::TimeTz: return simple("string", "io.debezium.time.ZonedTime");
    case Kind::Timestamp:
      return in_millis(type) ? simple("int64", "io.debezium.time.Timestamp") : simple("int64", "io.debezium.time.MicroTimestamp");
    case Kind::TimestampTz: return simple("string", "io.debezium.time.ZonedTimestamp");
    case Kind::Interval: return simple("int64", "io.debezium.time.MicroDuration");
    case Kind::Point:
      out += "{\"type\":\"struct\",\"fields\":[{\"type\":\"double\",\"optional\":false,\"field\":\"x\"},"
             "{\"type\":\"double\",\"optional\":false,\"field\":\"y\"},{\"type\":\"bytes\",\"optional\":true,\"field\":\"wkb\"},"
             "{\"type\":\"int32\",\"optional\":true,\"field\":\"srid\"}],\"optional\":";
      out += opt;
      out += ",\"name\":\"io.debezium.data.geometry.Point\",\"version\":1,\"doc\":\"Geometry (POINT)\"";
      return;
  }
}

}  // namespace popyka::kafka::debezium
