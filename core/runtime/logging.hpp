#pragma once
#include <string>

#include <spdlog/spdlog.h>

namespace popyka::runtime {

// Sets up the process's logger (spdlog's default, on stderr): one line per event, as text or
// as one JSON object per line (`{"time":...,"level":...,"message":...}`) for log shippers.
// `level` is debug, info, warning or error. Everything in core logs through spdlog::info() and
// friends, which format nothing below the level.
void configure_logging(const std::string& level, bool json);

}  // namespace popyka::runtime
