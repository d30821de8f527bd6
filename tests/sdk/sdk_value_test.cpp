#include <catch2/catch.hpp>

#include <popyka/sdk.hpp>

using popyka::sdk::TypeError;
using popyka::sdk::Value;

TEST_CASE("Value keeps the exact JSON text of a numeric wider than a double") {
  const Value v("12345678901234567890.123456789");
  CHECK(v.json() == "12345678901234567890.123456789");
  CHECK(v.is_number());
  CHECK_THROWS_AS(v.as_int64(), TypeError);
  CHECK(v.as_double() == Approx(12345678901234567890.123456789));
}

TEST_CASE("Value typed reads") {
  CHECK(Value("42").as_int64() == 42);
  CHECK(Value("-7").as_int64() == -7);
  CHECK(Value("1.50").as_double() == 1.5);
  CHECK(Value("true").as_bool());
  CHECK_FALSE(Value("false").as_bool());
  CHECK(Value("null").is_null());
  CHECK_FALSE(Value().is_present());
  CHECK_THROWS_WITH(Value("\"x\"").as_int64(), Catch::Contains("expected an integer"));
  CHECK_THROWS_AS(Value("1").as_bool(), TypeError);
  CHECK_THROWS_AS(Value("1").as_string(), TypeError);
}

TEST_CASE("Value::as_string resolves every JSON escape to UTF-8") {
  CHECK(Value(R"("plain")").as_string() == "plain");
  CHECK(Value(R"("q\"b\\s\/n\nt\tr\rb\bf\f")").as_string() == "q\"b\\s/n\nt\tr\rb\bf\f");
  CHECK(Value(R"("\u00e9\u20ac")").as_string() == "\xC3\xA9\xE2\x82\xAC");    // é €
  CHECK(Value(R"("\ud83d\ude00")").as_string() == "\xF0\x9F\x98\x80");        // 😀 from a surrogate pair
  CHECK(Value("\"h\xC3\xA9llo\"").as_string() == "h\xC3\xA9llo");             // raw UTF-8 passes through
  CHECK_THROWS_AS(Value(R"("\q")").as_string(), TypeError);
  CHECK_THROWS_AS(Value(R"("\u12")").as_string(), TypeError);
}

TEST_CASE("format_lsn prints PostgreSQL's X/X form") {
  CHECK(popyka::sdk::format_lsn(0x16B374D848ULL) == "16/B374D848");
  CHECK(popyka::sdk::format_lsn(0) == "0/0");
}
