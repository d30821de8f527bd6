#pragma once
#include <memory>

#include <spdlog/formatter.h>

namespace popyka::runtime {

// Formats each record as one JSON object on one line: {"time":"2026-11-24T10:20:44.488Z",
// "level":"info","message":"..."}, the message escaped so a shipper can parse every line.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override;
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLogFormatter>(); }
};

}  // namespace popyka::runtime
