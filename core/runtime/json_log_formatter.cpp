#include "runtime/json_log_formatter.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace popyka::runtime {
namespace {

void append_json_string(spdlog::memory_buf_t& out, spdlog::string_view_t text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"': out.append(std::string_view("\\\"")); break;
      case '\\': out.append(std::string_view("\\\\")); break;
      case '\n': out.append(std::string_view("\\n")); break;
      case '\r': out.append(std::string_view("\\r")); break;
      case '\t': out.append(std::string_view("\\t")); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        else out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

void JsonLogFormatter::format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(message.time.time_since_epoch()).count() % 1000;
  fmt::format_to(std::back_inserter(out), R"({{"time":"{:%Y-%m-%dT%H:%M:%S}.{:03}Z","level":)",
                 fmt::gmtime(std::chrono::system_clock::to_time_t(message.time)), millis);
  const auto level = spdlog::level::to_string_view(message.level);
  append_json_string(out, level);
  out.append(std::string_view(R"(,"message":)"));
  append_json_string(out, message.payload);
  out.append(std::string_view("}\n"));
}

}  // namespace popyka::runtime
