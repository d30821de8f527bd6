// EpochTimes: ts_ms, ts_us and ts_ns from one formatting must equal each rounded down on its
// own, on both sides of the first millisecond after 1970 (where the digits stop being prefixes).
#include <catch2/catch.hpp>

#include <string>

#include "debezium/epoch_times.hpp"
#include "debezium/pg_text.hpp"

namespace dbz = popyka::kafka::debezium;

TEST_CASE("debezium: ts_ms, ts_us and ts_ns are the instant rounded down, before and after 1970", "[debezium][envelope]") {
  const std::int64_t instants[] = {1700000000000123456, 1'000'000, 999'999, 1'000, 999, 1, 0, -1, -999'999, -1'000'000, -1'500'001,
                                   INT64_MAX, INT64_MIN};
  for (const std::int64_t ns : instants) {
    INFO(ns);
    const dbz::EpochTimes times(ns);
    CHECK(times.nanoseconds() == ns);
    CHECK(times.ms() == std::to_string(dbz::floor_div(ns, 1'000'000)));
    CHECK(times.us() == std::to_string(dbz::floor_div(ns, 1000)));
    CHECK(times.ns() == std::to_string(ns));
  }
}
