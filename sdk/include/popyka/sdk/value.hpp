#pragma once
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "popyka/sdk/errors.hpp"

namespace popyka::sdk {
inline namespace v1 {

// A read-only view of one JSON value exactly as wal2json wrote it: `1.50`, `true`, `null`,
// `"text with \"escapes\""`. The text is never re-formatted, so a numeric wider than a double
// keeps every digit in json(). A Value is as short-lived as the Change it came from.
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

  // The decoded text of a JSON string (escapes resolved, UTF-8). Throws TypeError otherwise.
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
  static void append_utf8(std::string& out, std::uint32_t cp);
  static std::uint32_t read_hex4(std::string_view s, std::size_t at);

  std::string_view json_;
};

inline std::int64_t Value::as_int64() const { return parse_number<std::int64_t>("an integer"); }
inline double Value::as_double() const { return parse_number<double>("a number"); }

inline bool Value::as_bool() const {
  if (json_ == "true") return true;
  if (json_ == "false") return false;
  wrong_type("a boolean");
}

inline std::uint32_t Value::read_hex4(std::string_view s, std::size_t at) {
  std::uint32_t cp = 0;
  if (at + 4 > s.size()) throw TypeError("truncated \\u escape in JSON string");
  auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + 4, cp, 16);
  if (ec != std::errc{} || end != s.data() + at + 4) throw TypeError("bad \\u escape in JSON string");
  return cp;
}

inline void Value::append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

inline std::string Value::as_string() const {
  if (!is_string() || json_.size() < 2 || json_.back() != '"') wrong_type("a string");
  const std::string_view body = json_.substr(1, json_.size() - 2);
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= body.size()) throw TypeError("dangling backslash in JSON string");
    switch (body[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t cp = read_hex4(body, i + 1);
        i += 4;
        // A high surrogate followed by a low one encodes a code point above U+FFFF.
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u') {
          const std::uint32_t low = read_hex4(body, i + 3);
          if (low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, cp);
        break;
      }
      default: throw TypeError("unknown escape in JSON string");
    }
  }
  return out;
}

}  // namespace v1
}  // namespace popyka::sdk
