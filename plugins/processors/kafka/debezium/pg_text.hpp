#pragma once
// Readers of PostgreSQL's text output (as wal2json writes values: DateStyle ISO, IntervalStyle
// postgres, bytea_output hex), turned into what Debezium's type mapping needs. Each returns
// nullopt (or false) when the text is not what the type's output function writes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popyka::kafka::debezium {

// PostgreSQL's 'infinity' and '-infinity' as Debezium maps them for TIMESTAMP (the JDBC
// driver's PGStatement.DATE_POSITIVE_INFINITY / DATE_NEGATIVE_INFINITY).
inline constexpr std::int64_t kTimestampPositiveInfinity = 9223372036825200000;
inline constexpr std::int64_t kTimestampNegativeInfinity = -9223372036832400000;

// a / b rounded down (toward negative infinity), as java.time's epoch conversions do.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// `2016-11-04` (optionally ` BC`): days since 1970-01-01.
std::optional<std::int64_t> parse_date(std::string_view text);
// `13:51:30[.123456]`: microseconds past midnight (`24:00:00` is a whole day).
std::optional<std::int64_t> parse_time(std::string_view text);
// `13:51:30.123789+02[:MM[:SS]]`: microseconds past midnight UTC.
std::optional<std::int64_t> parse_time_tz(std::string_view text);
// `2016-11-04 13:51:30.123456` (TIMESTAMP) or with an offset `+02` (TIMESTAMPTZ):
// microseconds since the epoch, UTC. Infinity is reported through `infinite` (+1 or -1).
std::optional<std::int64_t> parse_timestamp(std::string_view text, int* infinite = nullptr);
// `1 year 2 mons 3 days 04:05:06.78`: microseconds, months as 365.25/12 days (Debezium's
// MicroDuration).
std::optional<std::int64_t> parse_interval(std::string_view text);

// Microseconds since the epoch as ISO-8601 in UTC: `2016-11-04T11:51:30.123456Z`, with exactly
// `fraction_digits` digits after the second (none for 0).
void append_iso_timestamp(std::string& out, std::int64_t micros, int fraction_digits);
// Microseconds past midnight as `11:51:30.123Z` (trailing zeros of the fraction dropped).
void append_iso_time_utc(std::string& out, std::int64_t micros);

// `010203` or `\x010203`: the bytes.
bool decode_bytea(std::string_view text, std::string& bytes);
// A bit string `0110`: its value as little-endian bytes, without high zero bytes (io.debezium.data.Bits).
void bits_to_bytes(std::string_view bits, std::string& bytes);

// A decimal number's digits (no sign, no point) and where its point was.
struct Decimal {
  bool negative = false;
  std::string digits;  // leading zeros allowed
  int scale = 0;       // digits after the point
};
// `-12.340`, `1e5` is refused (PostgreSQL's numeric output never uses exponents).
bool parse_decimal(std::string_view text, Decimal& out);
// money's text in any lc_monetary: `$1,234.11`, `-$1,234.11`, `($1,234.11)`, `1.234,11 €`
// (the last '.' or ',' followed by `fraction_digits` digits is the decimal point).
bool parse_money(std::string_view text, int fraction_digits, Decimal& out);
// Appends zeros (or drops digits) so that `d.scale == scale`.
void rescale(Decimal& d, int scale);
// Drops the fraction's trailing zeros: Java's BigDecimal.stripTrailingZeros() with a negative
// scale set back to 0, as Debezium writes a VariableScaleDecimal (1500.00 -> 1500 scale 0).
void strip_fraction_zeros(Decimal& d);
// The unscaled value as Java's BigInteger.toByteArray(): big-endian two's complement, shortest.
void unscaled_bytes(const Decimal& d, std::string& bytes);

// One piece of an array literal `{1,"a b",NULL,{2,3}}`, in order.
struct ArrayToken {
  enum class Kind { Open, Close, Null, Element } kind;
  std::size_t offset = 0, size = 0;  // Element: its text (quotes and escapes resolved) in the storage
};
// Tokens of the literal; element texts go to `storage`. False when the literal is malformed.
bool parse_array(std::string_view literal, std::vector<ArrayToken>& tokens, std::string& storage);

// hstore's text `"a"=>"1", "b"=>NULL` as a JSON object `{"a":"1","b":null}`.
bool hstore_to_json(std::string_view text, std::string& json);

}  // namespace popyka::kafka::debezium
