#include "pg_text.hpp"

#include <popyka/sdk/json.hpp>

#include <algorithm>
#include <charconv>

namespace popyka::kafka::debezium {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};
Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// A cursor over the text with the small readers the formats need.
struct Reader {
  std::string_view s;
  std::size_t at = 0;

  bool done() const { return at >= s.size(); }
  char peek() const { return done() ? '\0' : s[at]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++at;
    return true;
  }
  bool eat(std::string_view word) {
    if (s.substr(at, word.size()) != word) return false;
    at += word.size();
    return true;
  }
  // 1 or more digits (at most `max`).
  bool number(std::int64_t& v, std::size_t max = 18) {
    const std::size_t start = at;
    v = 0;
    while (!done() && at - start < max && s[at] >= '0' && s[at] <= '9') v = v * 10 + (s[at++] - '0');
    return at > start;
  }
  // `.123456` as microseconds (more digits are rounded off, as PostgreSQL never writes them).
  std::int64_t fraction() {
    if (!eat('.')) return 0;
    std::int64_t v = 0;
    int digits = 0;
    while (!done() && s[at] >= '0' && s[at] <= '9') {
      if (digits < 6) v = v * 10 + (s[at] - '0'), ++digits;
      ++at;
    }
    for (; digits < 6; ++digits) v *= 10;
    return v;
  }
};

bool read_date(Reader& r, std::int64_t& year, std::int64_t& month, std::int64_t& day) {
  return r.number(year, 9) && r.eat('-') && r.number(month, 2) && r.eat('-') && r.number(day, 2) && month >= 1 &&
         month <= 12 && day >= 1 && day <= 31;
}

bool read_time(Reader& r, std::int64_t& micros) {
  std::int64_t h = 0, m = 0, sec = 0;
  if (!(r.number(h, 2) && r.eat(':') && r.number(m, 2) && r.eat(':') && r.number(sec, 2))) return false;
  micros = ((h * 60 + m) * 60 + sec) * kMicrosPerSecond + r.fraction();
  return h <= 24 && m < 60 && sec < 61;
}

// `+02`, `-05:30`, `+00:00:12`: the offset east of UTC in microseconds.
bool read_offset(Reader& r, std::int64_t& micros) {
  const bool minus = r.peek() == '-';
  if (!r.eat('+') && !r.eat('-')) return false;
  std::int64_t h = 0, m = 0, sec = 0;
  if (!r.number(h, 2)) return false;
  if (r.eat(':') && !r.number(m, 2)) return false;
  if (r.eat(':') && !r.number(sec, 2)) return false;
  micros = ((h * 60 + m) * 60 + sec) * kMicrosPerSecond * (minus ? -1 : 1);
  return true;
}

// ` BC` after a date: year 1 BC is ISO year 0.
std::int64_t iso_year(Reader& r, std::int64_t year) { return r.eat(" BC") ? 1 - year : year; }

// The writers below put their text in a buffer appended once: a value's dozen small appends
// to the event's string would each check its capacity.

// `v` in at least `width` digits (zero-padded) at `at`; returns where it ends.
char* put_digits(char* at, std::int64_t v, int width) {
  char buf[24];
  const char* end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  for (auto n = end - buf; n < width; ++n) *at++ = '0';
  return std::copy(static_cast<const char*>(buf), end, at);
}

// `HH:MM:SS` at `at`; returns where it ends.
char* put_clock(char* at, std::int64_t micros_of_day) {
  const std::int64_t seconds = micros_of_day / kMicrosPerSecond;
  at = put_digits(at, seconds / 3600, 2);
  *at++ = ':';
  at = put_digits(at, seconds / 60 % 60, 2);
  *at++ = ':';
  return put_digits(at, seconds % 60, 2);
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view text) {
  Reader r{text};
  std::int64_t y = 0, m = 0, d = 0;
  if (!read_date(r, y, m, d)) return std::nullopt;
  y = iso_year(r, y);
  if (!r.done()) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::optional<std::int64_t> parse_time(std::string_view text) {
  Reader r{text};
  std::int64_t micros = 0;
  if (!read_time(r, micros) || !r.done()) return std::nullopt;
  return micros;
}

std::optional<std::int64_t> parse_time_tz(std::string_view text) {
  Reader r{text};
  std::int64_t micros = 0, offset = 0;
  if (!read_time(r, micros) || !read_offset(r, offset) || !r.done()) return std::nullopt;
  return ((micros - offset) % kMicrosPerDay + kMicrosPerDay) % kMicrosPerDay;
}

std::optional<std::int64_t> parse_timestamp(std::string_view text, int* infinite) {
  if (infinite != nullptr) *infinite = 0;
  if (text == "infinity" || text == "-infinity") {
    if (infinite == nullptr) return std::nullopt;
    *infinite = text.front() == '-' ? -1 : 1;
    return *infinite > 0 ? kTimestampPositiveInfinity : kTimestampNegativeInfinity;
  }
  Reader r{text};
  std::int64_t y = 0, m = 0, d = 0, micros = 0, offset = 0;
  if (!read_date(r, y, m, d) || !(r.eat(' ') || r.eat('T')) || !read_time(r, micros)) return std::nullopt;
  if (r.peek() == '+' || r.peek() == '-') {
    if (!read_offset(r, offset)) return std::nullopt;
  }
  y = iso_year(r, y);
  if (!r.done()) return std::nullopt;
  // PostgreSQL's timestamps reach 294276 AD: beyond 2^63 microseconds after 1970 in its last years.
  std::int64_t total = 0;
  if (__builtin_mul_overflow(days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)), kMicrosPerDay, &total) ||
      __builtin_add_overflow(total, micros - offset, &total))
    return std::nullopt;
  return total;
}

std::optional<std::int64_t> parse_interval(std::string_view text) {
  // IntervalStyle postgres: `[-]N year[s] [-]N mon[s] [-]N day[s] [-]HH:MM:SS[.f]`, parts optional.
  Reader r{text};
  std::int64_t months = 0, days = 0, clock = 0;
  while (!r.done()) {
    const bool minus = r.eat('-');
    if (!minus) r.eat('+');
    std::int64_t n = 0;
    const std::size_t start = r.at;
    if (!r.number(n, 12)) return std::nullopt;  // PostgreSQL's intervals stay below 10^12 of any unit
    const std::int64_t sign = minus ? -1 : 1;
    if (r.peek() == ':') {  // the clock part; its hours may exceed 24
      r.at = start;
      std::int64_t h = 0, m = 0, sec = 0;
      if (!(r.number(h, 12) && r.eat(':') && r.number(m, 2) && r.eat(':') && r.number(sec, 2))) return std::nullopt;
      std::int64_t part = 0;
      if (__builtin_mul_overflow((h * 60 + m) * 60 + sec, kMicrosPerSecond, &part) ||
          __builtin_add_overflow(clock, sign * (part + r.fraction()), &clock))
        return std::nullopt;
    } else if (r.eat(" years") || r.eat(" year")) {
      months += sign * n * 12;
    } else if (r.eat(" mons") || r.eat(" mon")) {
      months += sign * n;
    } else if (r.eat(" days") || r.eat(" day")) {
      days += sign * n;
    } else {
      return std::nullopt;
    }
    r.eat(' ');
  }
  // As Debezium's MicroDuration.durationMicros: whole days, hours, minutes and seconds in a
  // double with months at 365.25 / 12 days each, then the fraction of a second.
  const double total_days = static_cast<double>(months) * (365.25 / 12.0) + static_cast<double>(days);
  const std::int64_t whole_seconds = clock / kMicrosPerSecond;
  const double seconds = total_days * 86400.0 + static_cast<double>(whole_seconds);
  const double micros = seconds * 1e6;
  if (!(micros > -9.2e18 && micros < 9.2e18)) return std::nullopt;
  return static_cast<std::int64_t>(micros) + clock % kMicrosPerSecond;
}

void append_iso_timestamp(std::string& out, std::int64_t micros, int fraction_digits) {
  const std::int64_t days = floor_div(micros, kMicrosPerDay);
  const std::int64_t of_day = micros - days * kMicrosPerDay;
  const Civil c = civil_from_days(days);
  char text[64];  // sign, year (at most 19 digits), `-MM-DDTHH:MM:SS.ffffff`
  char* at = text;
  // ISO-8601 as java.time prints it: 4-digit years, a sign beyond 9999 or before year 0.
  if (c.year > 9999) *at++ = '+';
  if (c.year < 0) *at++ = '-';
  at = put_digits(at, c.year < 0 ? -c.year : c.year, 4);
  *at++ = '-';
  at = put_digits(at, c.month, 2);
  *at++ = '-';
  at = put_digits(at, c.day, 2);
  *at++ = 'T';
  at = put_clock(at, of_day);
  if (fraction_digits > 0) {
    *at++ = '.';
    std::int64_t f = of_day % kMicrosPerSecond;
    for (int i = 5; i >= 0; --i, f /= 10) at[i] = static_cast<char>('0' + f % 10);
    at += std::min(fraction_digits, 6);
  }
  out.append(text, at);
  if (fraction_digits > 6) out.append(static_cast<std::size_t>(fraction_digits - 6), '0');
  out += 'Z';
}

void append_iso_time_utc(std::string& out, std::int64_t micros) {
  char clock[32];
  out.append(clock, put_clock(clock, micros));
  if (std::int64_t f = micros % kMicrosPerSecond; f != 0) {
    char digits[6];
    for (int i = 5; i >= 0; --i, f /= 10) digits[i] = static_cast<char>('0' + f % 10);
    int n = 6;
    while (digits[n - 1] == '0') --n;
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  }
  out += 'Z';
}

bool decode_bytea(std::string_view text, std::string& bytes) {
  bytes.clear();
  // wal2json writes a bytea column's hex digits alone; an element of a bytea[] keeps the `\x`.
  if (text.starts_with("\\x")) text.remove_prefix(2);
  if (text.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes += static_cast<char>(hi << 4 | lo);
  }
  return true;
}

void bits_to_bytes(std::string_view bits, std::string& bytes) {
  bytes.assign((bits.size() + 7) / 8, '\0');
  for (std::size_t k = 0; k < bits.size(); ++k)  // k-th bit from the right
    if (bits[bits.size() - 1 - k] == '1') bytes[k / 8] = static_cast<char>(bytes[k / 8] | (1 << (k % 8)));
  while (!bytes.empty() && bytes.back() == '\0') bytes.pop_back();
}

bool parse_decimal(std::string_view text, Decimal& out) {
  out.negative = false;
  out.digits.clear();
  out.scale = 0;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) out.negative = text[i++] == '-';
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      out.digits += c;
      out.scale += point;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return !out.digits.empty();
}

bool parse_money(std::string_view text, int fraction_digits, Decimal& out) {
  out.negative = text.find('-') != std::string_view::npos || text.find('(') != std::string_view::npos;
  out.digits.clear();
  out.scale = 0;
  // The decimal separator is the last '.' or ',' with exactly `fraction_digits` digits after it.
  std::size_t point = std::string_view::npos;
  if (fraction_digits > 0) {
    const auto last = text.find_last_of(".,");
    if (last != std::string_view::npos) {
      int after = 0;
      for (std::size_t i = last + 1; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) ++after;
      if (after == fraction_digits) point = last;
    }
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      out.digits += text[i];
      out.scale += point != std::string_view::npos && i > point;
    }
  }
  return !out.digits.empty();
}

void rescale(Decimal& d, int scale) {
  for (; d.scale < scale; ++d.scale) d.digits += '0';
  for (; d.scale > scale && !d.digits.empty(); --d.scale) d.digits.pop_back();
}

void strip_fraction_zeros(Decimal& d) {
  while (d.scale > 0 && d.digits.back() == '0') {
    d.digits.pop_back();
    --d.scale;
  }
}

void unscaled_bytes(const Decimal& d, std::string& bytes) {
  // Magnitude in base 256, little-endian while building.
  bytes.clear();
  for (const char c : d.digits) {
    unsigned carry = static_cast<unsigned>(c - '0');
    for (char& b : bytes) {
      const unsigned v = static_cast<unsigned char>(b) * 10u + carry;
      b = static_cast<char>(v & 0xFF);
      carry = v >> 8;
    }
    if (carry != 0) bytes += static_cast<char>(carry);
  }
  if (d.negative && !bytes.empty()) {  // two's complement: invert and add one
    unsigned carry = 1;
    for (char& b : bytes) {
      const unsigned v = (~static_cast<unsigned>(static_cast<unsigned char>(b)) & 0xFF) + carry;
      b = static_cast<char>(v & 0xFF);
      carry = v >> 8;
    }
    if ((static_cast<unsigned char>(bytes.back()) & 0x80) == 0) bytes += '\xFF';
    // Shortest form: drop sign-extension bytes the next byte already implies.
    while (bytes.size() > 1 && static_cast<unsigned char>(bytes.back()) == 0xFF &&
           (static_cast<unsigned char>(bytes[bytes.size() - 2]) & 0x80) != 0)
      bytes.pop_back();
  } else if (bytes.empty() || (static_cast<unsigned char>(bytes.back()) & 0x80) != 0) {
    bytes += '\0';  // a sign byte, as BigInteger writes for 128..255 (and 0 is one zero byte)
  }
  std::reverse(bytes.begin(), bytes.end());
}

bool parse_array(std::string_view literal, std::vector<ArrayToken>& tokens, std::string& storage) {
  tokens.clear();
  storage.clear();
  using Kind = ArrayToken::Kind;
  std::size_t i = 0;
  // `[1:2]={...}`: explicit bounds, which JSON has no use for.
  if (!literal.empty() && literal.front() == '[') {
    const auto eq = literal.find('=');
    if (eq == std::string_view::npos) return false;
    i = eq + 1;
  }
  int depth = 0;
  bool expect_element = false;
  for (; i < literal.size(); ++i) {
    const char c = literal[i];
    if (c == '{') {
      tokens.push_back({Kind::Open});
      ++depth;
      expect_element = true;
    } else if (c == '}') {
      if (depth == 0) return false;
      tokens.push_back({Kind::Close});
      if (--depth == 0) return i + 1 == literal.size();
      expect_element = false;
    } else if (c == ',') {
      expect_element = true;
    } else if (c == ' ') {
      continue;
    } else if (expect_element) {
      const std::size_t offset = storage.size();
      if (c == '"') {
        for (++i; i < literal.size() && literal[i] != '"'; ++i) {
          if (literal[i] == '\\' && i + 1 < literal.size()) ++i;
          storage += literal[i];
        }
        if (i >= literal.size()) return false;
        tokens.push_back({Kind::Element, offset, storage.size() - offset});
      } else {
        std::size_t end = i;
        while (end < literal.size() && literal[end] != ',' && literal[end] != '}') ++end;
        const std::string_view bare = literal.substr(i, end - i);
        if (bare == "NULL") {
          tokens.push_back({Kind::Null});
        } else {
          storage += bare;
          tokens.push_back({Kind::Element, offset, bare.size()});
        }
        i = end - 1;
      }
      expect_element = false;
    } else {
      return false;
    }
  }
  return false;  // never closed
}

bool hstore_to_json(std::string_view text, std::string& json) {
  json = "{";
  std::size_t i = 0;
  auto skip_spaces = [&] { while (i < text.size() && text[i] == ' ') ++i; };
  // A quoted hstore string as a JSON string; `\"` and `\\` are hstore's escapes.
  std::string unescaped;
  auto quoted = [&]() -> bool {
    if (i >= text.size() || text[i] != '"') return false;
    unescaped.clear();
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      unescaped += text[i];
    }
    if (i >= text.size()) return false;
    ++i;
    sdk::append_json_string(json, unescaped);
    return true;
  };
  skip_spaces();
  while (i < text.size()) {
    if (json.size() > 1) json += ',';
    if (!quoted()) return false;
    skip_spaces();
    if (text.substr(i, 2) != "=>") return false;
    i += 2;
    skip_spaces();
    json += ':';
    if (text.substr(i, 4) == "NULL") {
      json += "null";
      i += 4;
    } else if (!quoted()) {
      return false;
    }
    skip_spaces();
    if (i < text.size() && text[i] == ',') ++i;
    skip_spaces();
  }
  json += '}';
  return true;
}

}  // namespace popyka::kafka::debezium
