#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace popyka::kafka::debezium {

// An instant's digits as ts_ms, ts_us and ts_ns (milliseconds, microseconds, nanoseconds since
// the epoch, rounded down), each event writes one to three times. From a millisecond after
// 1970 on, ts_ms and ts_us are the nanoseconds' digits without the last six and three: one
// formatting serves all three.
class EpochTimes {
 public:
  explicit EpochTimes(std::int64_t ns = 0);

  std::int64_t nanoseconds() const noexcept { return ns_; }
  std::string_view ms() const noexcept { return part(0); }
  std::string_view us() const noexcept { return part(1); }
  std::string_view ns() const noexcept { return part(2); }

 private:
  static constexpr std::size_t kWidth = 20;  // an int64's digits and sign
  std::string_view part(std::size_t i) const noexcept { return {digits_.data() + start_[i], size_[i]}; }

  std::int64_t ns_;
  std::array<char, 3 * kWidth> digits_;
  std::array<std::uint8_t, 3> start_{}, size_{};
};

}  // namespace popyka::kafka::debezium
