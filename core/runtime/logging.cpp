#include "runtime/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace popyka::runtime {

void configure_logging(bool debug) {
  auto logger = spdlog::stderr_logger_mt("popyka");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace popyka::runtime
