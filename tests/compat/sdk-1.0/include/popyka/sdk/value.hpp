#pragma once
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "popyka/sdk/errors.hpp"
#include "popyka/sdk/json.hpp"

namespace popyka::sdk {
inline namespace v1 {

// A read-only view of one JSON value exactly as wal2json wrote it: `1.50`, `true`, `null`,
// `"text with \"escapes\""`. The text is never re-formatted, so a numeric wider than a double
// keeps every digit in json().
//
// LIFETIME: a view (one string_view): as short-lived as the Change it came from. Copy json(), or
// the result of a typed read, to keep it.
// OWNERSHIP: owns nothing; copying a Value copies the view, not the text.
// THREADING: a plain value, no shared state; read it where the Change is valid.
class Value {
 public:
  constexpr Value() = default;
  constexpr explicit Value(std::string_view json) : json_(json) {}

  // The exact JSON text; empty when the field is absent from the message.
  constexpr std::string_view json() const noexcept { return json_; }
  constexpr bool is_present() const noexcept { return !json_.empty(); }
  constexpr bool is_null() const noexcept { return json_ == "null"; }
  constexpr bool is_string() const noexcept { return !json_.empty() && json_.front() == '"'; }
  constexpr bool is_bool() const noexcept { return json_ == "true" || json_ == "false"; }
  constexpr bool is_number() const noexcept {
    return !json_.empty() && (json_.front() == '-' || (json_.front() >= '0' && json_.front() <= '9'));
  }

  // The decoded text of a JSON string (escapes resolved, UTF-8; see decode_json_string()).
  // Throws TypeError otherwise.
  std::string as_string() const;
  // A JSON number that fits an int64 without a fraction. Throws TypeError otherwise.
  std::int64_t as_int64() const;
  // A JSON number as the nearest double (may lose digits: use json() to keep them).
  double as_double() const;
  // A JSON true or false. Throws TypeError otherwise.
  bool as_bool() const;

 private:
  [[noreturn]] void wrong_type(const char* expected) const {
    throw TypeError("expected " + std::string(expected) + ", found " + std::string(json_.empty() ? "nothing" : json_.substr(0, 40)));
  }
  template <class T>
  T parse_number(const char* expected) const {
    T out{};
    auto [end, ec] = std::from_chars(json_.data(), json_.data() + json_.size(), out);
    if (ec != std::errc{} || end != json_.data() + json_.size()) wrong_type(expected);
    return out;
  }

  std::string_view json_;
};

inline std::int64_t Value::as_int64() const { return parse_number<std::int64_t>("an integer"); }
inline double Value::as_double() const { return parse_number<double>("a number"); }

inline bool Value::as_bool() const {
  if (json_ == "true") return true;
  if (json_ == "false") return false;
  wrong_type("a boolean");
}

inline std::string Value::as_string() const {
  if (!is_string()) wrong_type("a string");
  return decode_json_string(json_);
}

}  // namespace v1
}  // namespace popyka::sdk
