#include "runtime/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include "runtime/json_log_formatter.hpp"

namespace popyka::runtime {

void configure_logging(const std::string& level, bool json) {
  auto logger = spdlog::stderr_logger_mt("popyka");
  if (json) logger->set_formatter(std::make_unique<JsonLogFormatter>());
  else logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(level == "debug" ? spdlog::level::debug : level == "warning" ? spdlog::level::warn
                    : level == "error"                        ? spdlog::level::err
                                                              : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace popyka::runtime
