#pragma once
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include "popyka/sdk/errors.hpp"

namespace popyka::sdk {
inline namespace v1 {

// JSON strings, both ways: what a plugin needs to read wal2json's text and to write JSON of its
// own. Header-only and inline: nothing here crosses the plugin boundary.

namespace json_detail {

// Whether escape_json() writes byte `c` other than as itself.
constexpr bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The first byte in [at, end) that needs_escape(), or `end`. Eight bytes at a time: plain text
// is most of what goes through here.
inline const char* find_escaped(const char* at, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
    // The high bit of each byte of `word` below `n`: exact up to the first such byte (a borrow
    // may mark some after it), which is all that is read.
    constexpr auto below = [](std::uint64_t word, std::uint64_t n) { return (word - ones * n) & ~word & highs; };
    while (end - at >= 8) {
      std::uint64_t word;
      std::memcpy(&word, at, sizeof word);
      const std::uint64_t found =
          below(word, 0x20) | below(word ^ (ones * '"'), 1) | below(word ^ (ones * '\\'), 1);
      if (found != 0) return at + std::countr_zero(found) / 8;
      at += 8;
    }
  }
  while (at != end && !needs_escape(static_cast<unsigned char>(*at))) ++at;
  return at;
}

// Appends escape_json()'s escape of a byte that needs_escape().
template <class Buffer>
void append_escape(Buffer& out, unsigned char c) {
  char escape[6] = {'\\', 0, 0, 0, 0, 0};
  std::size_t length = 2;
  switch (c) {
    case '"': escape[1] = '"'; break;
    case '\\': escape[1] = '\\'; break;
    case '\b': escape[1] = 'b'; break;
    case '\f': escape[1] = 'f'; break;
    case '\n': escape[1] = 'n'; break;
    case '\r': escape[1] = 'r'; break;
    case '\t': escape[1] = 't'; break;
    default:
      escape[1] = 'u';
      escape[2] = '0';
      escape[3] = '0';
      escape[4] = "0123456789abcdef"[c >> 4];
      escape[5] = "0123456789abcdef"[c & 0xF];
      length = 6;
  }
  out.append(escape, escape + length);
}

inline std::uint32_t read_hex4(std::string_view s, std::size_t at) {
  std::uint32_t cp = 0;
  if (at + 4 > s.size()) throw TypeError("truncated \\u escape in JSON string");
  auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + 4, cp, 16);
  if (ec != std::errc{} || end != s.data() + at + 4) throw TypeError("bad \\u escape in JSON string");
  return cp;
}

inline void append_utf8(std::string& out, std::uint32_t cp) {
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

}  // namespace json_detail

// Appends `text` as a JSON string literal, quotes included, escaped as PostgreSQL's escape_json()
// (and so wal2json) does: `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other control characters as
// `\u00XX`; everything else, UTF-8 included, byte for byte.
//
//   std::string line = R"({"table":)";
//   popyka::sdk::append_json_string(line, change.table());   // {"table":"orders"
//
// `out` is a std::string or any buffer with push_back(char) and append(const char*, const char*)
// (fmt::memory_buffer, for one).
template <class Buffer>
  requires requires(Buffer& b, const char* p) {
    b.push_back('"');
    b.append(p, p);
  }
void append_json_string(Buffer& out, std::string_view text) {
  out.push_back('"');
  const char* at = text.data();
  const char* const end = text.data() + text.size();
  for (;;) {
    const char* run = at;  // bytes written as they are
    at = json_detail::find_escaped(at, end);
    out.append(run, at);
    if (at == end) break;
    json_detail::append_escape(out, static_cast<unsigned char>(*at++));
  }
  out.push_back('"');
}

// The same, as a new string: `"text"`.
inline std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

// The text of the JSON string literal `quoted` (quotes included): escapes resolved, `\uXXXX`
// (surrogate pairs too) as UTF-8. The inverse of append_json_string(). Throws TypeError when
// `quoted` is not a JSON string.
inline std::string decode_json_string(std::string_view quoted) {
  if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"')
    throw TypeError("expected a string, found " + std::string(quoted.empty() ? "nothing" : quoted.substr(0, 40)));
  const std::string_view body = quoted.substr(1, quoted.size() - 2);
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
        std::uint32_t cp = json_detail::read_hex4(body, i + 1);
        i += 4;
        // A high surrogate followed by a low one encodes a code point above U+FFFF.
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u') {
          const std::uint32_t low = json_detail::read_hex4(body, i + 3);
          if (low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        json_detail::append_utf8(out, cp);
        break;
      }
      default: throw TypeError("unknown escape in JSON string");
    }
  }
  return out;
}

}  // namespace v1
}  // namespace popyka::sdk
