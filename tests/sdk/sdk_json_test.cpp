#include <catch2/catch.hpp>

#include <string>

#include <fmt/format.h>
#include <popyka/sdk/json.hpp>

using popyka::sdk::append_json_string;
using popyka::sdk::decode_json_string;
using popyka::sdk::json_string;

TEST_CASE("append_json_string escapes as PostgreSQL's escape_json() does") {
  CHECK(json_string("plain") == R"("plain")");
  CHECK(json_string("") == R"("")");
  CHECK(json_string("q\"b\\s/") == R"("q\"b\\s/")");  // `/` is left alone, as wal2json does
  CHECK(json_string("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(json_string(std::string("\x00\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\x7f\"");
  CHECK(json_string("h\xC3\xA9llo \xF0\x9F\x98\x80") == "\"h\xC3\xA9llo \xF0\x9F\x98\x80\"");  // UTF-8 byte for byte
}

TEST_CASE("json_detail::find_escaped stops at the first byte to escape, wherever it is in the 8-byte words") {
  // Each byte at each place of texts of every length up to 24, among plain ASCII and UTF-8.
  for (std::size_t size = 1; size <= 24; ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string text(size, 'a');
        for (std::size_t i = 1; i < size; i += 3) text[i] = '\xC3';
        text[at] = static_cast<char>(c);
        const char* found = popyka::sdk::json_detail::find_escaped(text.data(), text.data() + size);
        const bool escaped = c < 0x20 || c == '"' || c == '\\';
        REQUIRE(found == text.data() + (escaped ? at : size));
      }
    }
  }
}

TEST_CASE("append_json_string appends to what is there") {
  std::string line = R"({"table":)";
  append_json_string(line, "or\"ders");
  CHECK(line == R"({"table":"or\"ders")");
}

TEST_CASE("append_json_string writes into an fmt::memory_buffer too") {
  fmt::memory_buffer out;
  append_json_string(out, "a\tb");
  CHECK(fmt::to_string(out) == R"("a\tb")");
}

TEST_CASE("decode_json_string is the inverse of append_json_string for every byte") {
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
  CHECK(decode_json_string(json_string(every_byte)) == every_byte);
  CHECK(decode_json_string(json_string(std::string("a\0b", 3))) == std::string("a\0b", 3));
}

TEST_CASE("decode_json_string refuses what is not a JSON string") {
  CHECK_THROWS_AS(decode_json_string("plain"), popyka::sdk::TypeError);
  CHECK_THROWS_AS(decode_json_string("\""), popyka::sdk::TypeError);
  CHECK_THROWS_WITH(decode_json_string(R"("\")"), Catch::Contains("dangling backslash"));
}
