#include "epoch_times.hpp"

#include <charconv>

#include "pg_text.hpp"

namespace popyka::kafka::debezium {

EpochTimes::EpochTimes(std::int64_t ns) : ns_(ns) {
  if (ns >= 1'000'000) {  // rounding down a positive number by 10^3 or 10^6 drops its last digits
    const auto n = static_cast<std::uint8_t>(std::to_chars(digits_.data(), digits_.data() + kWidth, ns).ptr - digits_.data());
    size_ = {static_cast<std::uint8_t>(n - 6), static_cast<std::uint8_t>(n - 3), n};
    return;
  }
  const std::int64_t values[] = {floor_div(ns, 1'000'000), floor_div(ns, 1000), ns};
  for (std::size_t i = 0; i < 3; ++i) {
    char* at = digits_.data() + i * kWidth;
    start_[i] = static_cast<std::uint8_t>(i * kWidth);
    size_[i] = static_cast<std::uint8_t>(std::to_chars(at, at + kWidth, values[i]).ptr - at);
  }
}

}  // namespace popyka::kafka::debezium
