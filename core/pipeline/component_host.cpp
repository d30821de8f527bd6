#include "pipeline/component_host.hpp"

#include <spdlog/spdlog.h>

#include <string>

namespace popyka::pipeline {
namespace {

spdlog::level::level_enum to_spdlog(sdk::LogLevel level) {
  switch (level) {
    case sdk::LogLevel::Debug: return spdlog::level::debug;
    case sdk::LogLevel::Info: return spdlog::level::info;
    case sdk::LogLevel::Warning: return spdlog::level::warn;
    case sdk::LogLevel::Error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void ComponentHost::log(sdk::LogLevel level, std::string_view message) noexcept {
  try {
    // Built in a buffer each thread keeps, and handed over unformatted: a processor logging every
    // change (LogChangeProcessor) costs no allocation and no format parse per line.
    thread_local std::string line;
    line.assign(class_name_).append(": ").append(message);
    spdlog::default_logger_raw()->log(to_spdlog(level), spdlog::string_view_t(line.data(), line.size()));
  } catch (...) {
    // Logging must never take the pipeline down.
  }
}

bool ComponentHost::log_enabled(sdk::LogLevel level) const noexcept { return spdlog::should_log(to_spdlog(level)); }

}  // namespace popyka::pipeline
