#pragma once
#include <spdlog/spdlog.h>

namespace popyka::runtime {

// Sets up the process's logger (spdlog's default, on stderr): one line per event.
// Everything in core logs through spdlog::info() and friends.
void configure_logging(bool debug);

}  // namespace popyka::runtime
