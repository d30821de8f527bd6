#include "metrics/metrics_registry.hpp"

#include <charconv>
#include <ctime>

namespace popyka::metrics {

std::size_t action_index(sdk::Action action) noexcept {
  for (std::size_t i = 0; i < kActions.size(); ++i)
    if (kActions[i] == static_cast<char>(action)) return i;
  return 0;
}

std::string_view error_action_name(std::size_t index) noexcept {
  static constexpr std::array<std::string_view, kErrorActionCount> names = {"next_error_handler", "next_processor", "next_message",
                                                                           "retry_processor", "abort"};
  return index < names.size() ? names[index] : "unknown";
}

ProcessorMetrics& Registry::add_processor(std::string label) {
  processors_.emplace_back();
  processors_.back().label = std::move(label);
  return processors_.back();
}

void Registry::set_health(Health health, std::string reason) {
  std::lock_guard lock(health_mutex_);
  health_ = health;
  health_reason_ = std::move(reason);
}

std::pair<Health, std::string> Registry::health() const {
  std::lock_guard lock(health_mutex_);
  return {health_, health_reason_};
}

Registry& registry() {
  static Registry instance;
  return instance;
}

std::optional<std::int64_t> parse_timestamp_us(std::string_view text) noexcept {
  // YYYY-MM-DD HH:MM:SS[.ffffff](+|-)HH[:MM]
  auto number = [&](std::size_t at, std::size_t width, int& out) {
    if (at + width > text.size()) return false;
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + width, out);
    return ec == std::errc{} && end == text.data() + at + width;
  };
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 22 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':') return std::nullopt;
  if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) || !number(11, 2, hour) || !number(14, 2, minute) ||
      !number(17, 2, second))
    return std::nullopt;
  std::size_t at = 19;
  std::int64_t micros = 0;
  if (text[at] == '.') {
    std::int64_t scale = 100000;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10) micros += (text[at] - '0') * scale;
  }
  if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
  const int sign = text[at] == '-' ? -1 : 1;
  int offset_hours = 0, offset_minutes = 0;
  if (!number(at + 1, 2, offset_hours)) return std::nullopt;
  if (at + 3 < text.size() && text[at + 3] == ':' && !number(at + 4, 2, offset_minutes)) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - sign * (offset_hours * 3600 + offset_minutes * 60);
  return seconds * 1000000 + micros;
}

}  // namespace popyka::metrics
