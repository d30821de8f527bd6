#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <popyka/sdk/change.hpp>
#include <popyka/sdk/change_details.hpp>

#include "pg_text.hpp"
#include "pg_type.hpp"

namespace popyka::kafka::debezium {

// Debezium's decimal.handling.mode: NUMERIC, DECIMAL and MONEY as Kafka Connect Decimal
// (base64 of the unscaled value), as their text, or as a double.
enum class DecimalMode { Precise, String, Double };

// Debezium's `unavailable.value.placeholder`, for unchanged TOASTed values.
inline constexpr std::string_view kUnavailableValue = "__debezium_unavailable_value";

// One column value, and its schema, as Debezium's PostgreSQL connector maps the column's type
// (time.precision.mode=adaptive, binary.handling.mode=bytes, interval.handling.mode=numeric,
// hstore.handling.mode=json) and as Kafka Connect's JsonConverter writes it.
// The table of every type is in docs/debezium-format.md.
//
// Keeps its buffers between calls: once warm, writing a value allocates nothing.
class ColumnValueWriter {
 public:
  explicit ColumnValueWriter(DecimalMode mode) : mode_(mode) {}

  DecimalMode decimal_mode() const { return mode_; }

  // The value's JSON; a null that stands for `special` (sdk::SpecialNumbers) as Debezium writes
  // that number, another null as `null_default` when given (a column's default JSON, as
  // JsonConverter's replace.null.with.default) else null. Throws std::runtime_error naming the
  // column and type when its text is not what PostgreSQL writes for that type.
  void append_value(std::string& out, const sdk::Column& column, const PgType& type,
                    sdk::SpecialNumber special = sdk::SpecialNumber::none, const std::string* null_default = nullptr);
  // The placeholder Debezium writes for a value logical decoding left out (unchanged TOAST):
  // the placeholder text, its bytes for BYTES types, null for the types that cannot carry it.
  void append_unavailable(std::string& out, const PgType& type);
  // The value's Kafka Connect schema, without the struct field's `"field"` member and closing brace.
  void open_schema(std::string& out, const PgType& type, bool optional) const;
  // As open_schema(), for an enum (a string) or an array of one: `io.debezium.data.Enum` with its
  // `allowed` labels; an array's items are required (Debezium's Enum.builder() is not optional).
  static void open_enum_schema(std::string& out, std::string_view labels, bool array, bool optional);

 private:
  // `text` is the value's text; `json` the JSON token wal2json wrote for it, when there is one
  // (passed through when it already is what Debezium writes).
  void append_scalar(std::string& out, const PgType& type, std::string_view text, std::string_view json);
  void append_array(std::string& out, const PgType& type, std::string_view literal);
  void append_decimal(std::string& out, const PgType& type);
  [[noreturn]] void refuse(const PgType& type, std::string_view text) const;

  DecimalMode mode_;
  const sdk::Column* column_ = nullptr;  // the column being written, for error messages
  std::string text_, bytes_, json_, elements_;
  std::vector<ArrayToken> tokens_;
  Decimal decimal_;
};

// The text of a JSON string token (`"a\\nb"`): a view into `json` when it has no escapes,
// else decoded into `buffer` (reused: no allocation once it is large enough).
std::string_view json_string_text(std::string_view json, std::string& buffer);

// An integer's digits.
void append_integer(std::string& out, std::int64_t value);

// A number as Java's Double.toString / Float.toString writes it (Jackson's output for FLOAT64
// and FLOAT32): `1.1`, `10.0`, `1.0E10`.
void append_java_number(std::string& out, double value);
void append_java_number(std::string& out, float value);

}  // namespace popyka::kafka::debezium
