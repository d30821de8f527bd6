#include "runtime/logging.hpp"

#include <atomic>
#include <iostream>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "runtime/json_log_formatter.hpp"
#include "runtime/redaction.hpp"

namespace popyka::runtime {

namespace {
std::atomic<bool> json_logs{false};
}  // namespace

void configure_logging(const std::string& level, bool json) {
  json_logs = json;
  auto logger = spdlog::stderr_logger_mt("popyka");
  // Every line is scrubbed of the config's secrets (runtime::hide_secrets) before formatting.
  std::unique_ptr<spdlog::formatter> format;
  if (json) format = std::make_unique<JsonLogFormatter>();
  else format = std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_formatter(std::make_unique<RedactingFormatter>(std::move(format)));
  logger->set_level(level == "debug" ? spdlog::level::debug : level == "warning" ? spdlog::level::warn
                    : level == "error"                        ? spdlog::level::err
                                                              : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void report_fatal(std::string_view what) {
  if (json_logs) {
    spdlog::error("popyka-host: {}", what);
    spdlog::default_logger()->flush();
  } else {
    std::cerr << "popyka-host: " << redact_secrets(what) << std::endl;
  }
}

}  // namespace popyka::runtime
