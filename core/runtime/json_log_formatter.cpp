#include "runtime/json_log_formatter.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <popyka/sdk/json.hpp>

namespace popyka::runtime {

void JsonLogFormatter::format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(message.time.time_since_epoch()).count() % 1000;
  fmt::format_to(std::back_inserter(out), R"({{"time":"{:%Y-%m-%dT%H:%M:%S}.{:03}Z","level":)",
                 fmt::gmtime(std::chrono::system_clock::to_time_t(message.time)), millis);
  const auto level = spdlog::level::to_string_view(message.level);
  sdk::append_json_string(out, std::string_view(level.data(), level.size()));
  out.append(std::string_view(R"(,"message":)"));
  sdk::append_json_string(out, std::string_view(message.payload.data(), message.payload.size()));
  out.append(std::string_view("}\n"));
}

}  // namespace popyka::runtime
