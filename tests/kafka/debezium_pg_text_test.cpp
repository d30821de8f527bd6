// PostgreSQL's text formats read for Debezium's mapping, at their edges (signs, BC dates, years
// past 9999, escapes), beside the golden values of debezium_types_test.cpp.
#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>

#include <popyka/sdk/json.hpp>

#include "debezium/base64.hpp"
#include "debezium/column_value.hpp"
#include "debezium/pg_text.hpp"
#include "debezium/pg_type.hpp"

namespace dbz = popyka::kafka::debezium;

namespace {

std::string unscaled_base64(std::string_view text) {
  dbz::Decimal d;
  REQUIRE(dbz::parse_decimal(text, d));
  std::string bytes, out;
  dbz::unscaled_bytes(d, bytes);
  dbz::append_base64(out, bytes);
  return out;
}

std::string iso(std::string_view timestamptz, int digits) {
  const auto micros = dbz::parse_timestamp(timestamptz);
  REQUIRE(micros);
  std::string out;
  dbz::append_iso_timestamp(out, *micros, digits);
  return out;
}

std::string java(double v) {
  std::string out;
  dbz::append_java_number(out, v);
  return out;
}

}  // namespace

TEST_CASE("debezium: unscaled values as Java's BigInteger.toByteArray() (two's complement, shortest)", "[debezium][pg_text]") {
  CHECK(unscaled_base64("0") == "AA==");       // {0}
  CHECK(unscaled_base64("127") == "fw==");     // {0x7F}
  CHECK(unscaled_base64("128") == "AIA=");     // {0x00, 0x80}: a sign byte
  CHECK(unscaled_base64("-128") == "gA==");    // {0x80}
  CHECK(unscaled_base64("-129") == "/38=");    // {0xFF, 0x7F}
  CHECK(unscaled_base64("12.50") == "BOI=");   // 1250
  CHECK(unscaled_base64("-0.01") == "/w==");   // -1
  CHECK(unscaled_base64("12345678901234567890123456.50") == "A/016215epG+OPMy");  // beyond 64 bits
}

TEST_CASE("debezium: timestamps across eras and years past 9999, ISO-8601 as java.time writes them", "[debezium][pg_text]") {
  CHECK(iso("2016-11-04 13:51:30.123456+02", 6) == "2016-11-04T11:51:30.123456Z");
  CHECK(iso("21016-11-04 13:51:30.123456+07", 6) == "+21016-11-04T06:51:30.123456Z");  // Debezium's tz_large
  CHECK(iso("1969-12-31 23:59:59.5+00", 3) == "1969-12-31T23:59:59.500Z");             // before the epoch
  CHECK(iso("2000-01-01 05:30:00+05:30", 0) == "2000-01-01T00:00:00Z");
  CHECK(iso("0001-01-01 00:00:00+00 BC", 0) == "0000-01-01T00:00:00Z");  // 1 BC is ISO year 0
  CHECK(dbz::parse_date("1970-01-01") == 0);
  CHECK(dbz::parse_date("1969-12-31") == -1);
  CHECK_FALSE(dbz::parse_date("2016-13-01"));
  CHECK_FALSE(dbz::parse_timestamp("yesterday"));
  int infinite = 0;
  CHECK(dbz::parse_timestamp("-infinity", &infinite) == dbz::kTimestampNegativeInfinity);
  CHECK(infinite == -1);
  CHECK(dbz::parse_time("24:00:00") == 86400000000);
  CHECK(dbz::parse_time_tz("00:30:00-01") == 5400000000);
  CHECK(dbz::parse_time_tz("00:30:00+01") == 84600000000);  // wraps to the previous day's clock
}

TEST_CASE("debezium: intervals, money and bit strings", "[debezium][pg_text]") {
  CHECK(dbz::parse_interval("1 mon") == 2629800000000);  // 30.4375 days
  CHECK(dbz::parse_interval("00:00:00.5") == 500000);
  CHECK(dbz::parse_interval("100:00:00") == 360000000000);  // hours beyond a day
  CHECK(dbz::parse_interval("-00:00:01.25") == -1250000);
  CHECK_FALSE(dbz::parse_interval("1 fortnight"));
  dbz::Decimal d;
  REQUIRE(dbz::parse_money("($1,234.11)", 2, d));
  CHECK(d.negative);
  CHECK(d.digits == "123411");
  CHECK(d.scale == 2);
  REQUIRE(dbz::parse_money("1.234,50 €", 2, d));  // a locale with a decimal comma
  CHECK(d.digits == "123450");
  CHECK(d.scale == 2);
  std::string bytes;
  dbz::bits_to_bytes("111011010001000110000001000000001", bytes);  // Debezium's bvunlimited2: {1, 2, 35, -38, 1}
  CHECK(bytes == std::string("\x01\x02\x23\xDA\x01", 5));
}

TEST_CASE("debezium: arrays, hstore and type names", "[debezium][pg_text]") {
  std::vector<dbz::ArrayToken> tokens;
  std::string storage;
  REQUIRE(dbz::parse_array(R"({"a\"b",NULL,{1,2}})", tokens, storage));
  REQUIRE(tokens.size() == 8);  // { a"b NULL { 1 2 } }
  CHECK(storage.substr(tokens[1].offset, tokens[1].size) == "a\"b");
  CHECK(tokens[2].kind == dbz::ArrayToken::Kind::Null);
  CHECK_FALSE(dbz::parse_array("{1,2", tokens, storage));
  std::string json;
  REQUIRE(dbz::hstore_to_json(R"("a\"q"=>"1\\2", "b"=>NULL)", json));
  CHECK(json == R"({"a\"q":"1\\2","b":null})");
  CHECK(dbz::parse_pg_type("numeric(10,2)[]") == dbz::PgType{dbz::PgType::Kind::Numeric, 10, 2, true});
  CHECK(dbz::parse_pg_type("time(3) with time zone").kind == dbz::PgType::Kind::TimeTz);
  CHECK(dbz::parse_pg_type("public.hstore").kind == dbz::PgType::Kind::Hstore);
  CHECK(dbz::parse_pg_type("mood").kind == dbz::PgType::Kind::Text);
}

TEST_CASE("debezium: doubles as Java's Double.toString writes them", "[debezium][pg_text]") {
  CHECK(java(1.1) == "1.1");
  CHECK(java(10) == "10.0");
  CHECK(java(0.001) == "0.001");
  CHECK(java(0.0001) == "1.0E-4");
  CHECK(java(1e7) == "1.0E7");
  CHECK(java(-123.25) == "-123.25");
  CHECK(java(0) == "0.0");
}

TEST_CASE("debezium: values beyond 64-bit microseconds are refused, not wrapped", "[debezium][pg_text]") {
  CHECK(dbz::parse_timestamp("294247-01-01 23:59:59.999999+00") == 9223371331199999999);  // Debezium's tz_max
  CHECK_FALSE(dbz::parse_timestamp("294276-12-31 23:59:59.999999+00"));
  CHECK_FALSE(dbz::parse_interval("2562047788 years"));
  CHECK_FALSE(dbz::parse_interval("999999999999:00:00"));
}

TEST_CASE("debezium: arbitrary text for any type is converted or refused with an error naming the column", "[debezium][pg_text]") {
  // Seeded: the same strings every run. Built from the characters PostgreSQL's formats use.
  std::mt19937 random(20);
  const std::string_view alphabet = "0123456789-+:. ,{}\"\\NULinfty BCx$()eE[]=>";
  const char* types[] = {"smallint", "real", "boolean", "text[]", "hstore", "bytea", "bit(3)", "bit(1)", "numeric(5,2)",
                         "numeric", "money", "date", "time(3) without time zone", "time with time zone",
                         "timestamp without time zone", "timestamp(2) with time zone", "interval", "point", "integer[]",
                         "numeric[]", "bytea[]", "vector(3)", "halfvec(2)", "sparsevec(5)"};
  dbz::ColumnValueWriter writer(dbz::DecimalMode::Precise);
  std::string out;
  int refused = 0;
  for (const char* type_name : types) {
    const dbz::PgType type = dbz::parse_pg_type(type_name);
    for (int i = 0; i < 2000; ++i) {
      std::string text;
      for (std::size_t n = random() % 24; n > 0; --n) text += alphabet[random() % alphabet.size()];
      std::string json;
      popyka::sdk::append_json_string(json, text);
      const popyka::sdk::Column column{"c", type_name, popyka::sdk::Value(json)};
      out.clear();
      try {
        writer.append_value(out, column, type);
      } catch (const std::runtime_error& e) {
        ++refused;
        REQUIRE(std::string(e.what()).find("column 'c'") != std::string::npos);
      }
    }
  }
  CHECK(refused > 0);
}

TEST_CASE("debezium: a fraction's trailing zeros dropped as BigDecimal.stripTrailingZeros() with the scale kept at 0 or more",
          "[debezium][pg_text]") {
  const std::pair<const char*, std::pair<const char*, int>> cases[] = {
      {"1500.00", {"1500", 0}}, {"1.50", {"15", 1}}, {"0.00", {"0", 0}}, {"100", {"100", 0}}, {"10.1111", {"101111", 4}}};
  for (const auto& [text, expected] : cases) {
    INFO(text);
    dbz::Decimal d;
    REQUIRE(dbz::parse_decimal(text, d));
    dbz::strip_fraction_zeros(d);
    CHECK(d.digits == expected.first);
    CHECK(d.scale == expected.second);
  }
}
