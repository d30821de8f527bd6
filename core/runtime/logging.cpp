#include "runtime/logging.hpp"

#include <unistd.h>

#include <atomic>
#include <iostream>

#include <spdlog/pattern_formatter.h>

#include "runtime/buffered_fd_sink.hpp"
#include "runtime/json_log_formatter.hpp"
#include "runtime/redaction.hpp"

namespace popyka::runtime {

namespace {
std::atomic<bool> json_logs{false};
// The default logger's sink; replaced only by configure_logging(), before other threads log.
std::shared_ptr<BufferedFdSink> stderr_sink;
// How long report_fatal() waits for a thread that holds the sink (one stuck in a plugin call
// while it logs) before it writes its line past the logger, without the lines still in the block.
constexpr auto fatal_flush_wait = std::chrono::milliseconds(1000);
}  // namespace

void configure_logging(const std::string& level, bool json, std::chrono::seconds flush_interval) {
  json_logs = json;
  stderr_sink = std::make_shared<BufferedFdSink>(STDERR_FILENO);
  auto logger = std::make_shared<spdlog::logger>("popyka", stderr_sink);
  // Every line is scrubbed of the config's secrets (runtime::hide_secrets) before formatting.
  std::unique_ptr<spdlog::formatter> format;
  if (json) format = std::make_unique<JsonLogFormatter>();
  else format = std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_formatter(std::make_unique<RedactingFormatter>(std::move(format)));
  logger->set_level(level == "debug" ? spdlog::level::debug : level == "warning" ? spdlog::level::warn
                    : level == "error"                        ? spdlog::level::err
                                                              : spdlog::level::info);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(flush_interval);  // a person tailing the log sees a line within the interval
}

void flush_logs() { spdlog::default_logger_raw()->flush(); }

void report_fatal(std::string_view what) {
  const bool flushed = !stderr_sink || stderr_sink->flush_within(fatal_flush_wait);
  if (json_logs && flushed) {
    spdlog::error("popyka-host: {}", what);  // flushed at once, as every error
  } else {  // the logger may be stuck: the line goes out all the same, then the process
    std::cerr << "popyka-host: " << redact_secrets(what) << std::endl;
  }
}

}  // namespace popyka::runtime
