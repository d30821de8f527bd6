#pragma once
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <memory>
#include <string_view>

namespace popyka::test {

// Captures what is logged through spdlog's default logger while it lives (the last 1000
// lines), beside the usual output.
struct LogCapture {
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
  LogCapture() { spdlog::default_logger()->sinks().push_back(sink); }
  ~LogCapture() { spdlog::default_logger()->sinks().pop_back(); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // How many captured lines contain `text`.
  std::size_t count(std::string_view text) const {
    std::size_t lines = 0;
    for (const auto& line : sink->last_formatted())
      if (line.find(text) != std::string_view::npos) ++lines;
    return lines;
  }
  bool contains(std::string_view text) const { return count(text) > 0; }
};

}  // namespace popyka::test
