#pragma once
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace popyka::runtime {

// Sets up the process's logger (spdlog's default, on stderr): one line per event, as text or
// as one JSON object per line (`{"time":...,"level":...,"message":...}`) for log shippers.
// `level` is debug, info, warning or error. Everything in core logs through spdlog::info() and
// friends, which format nothing below the level.
void configure_logging(const std::string& level, bool json);

// The one line a fatal error gets on stderr: `popyka-host: <what>`, secrets masked. Plain text
// (the line a user reads first), or with JSON logs that text as a JSON line at level error, so
// the stream keeps one format. Never also logged: one line per error.
void report_fatal(std::string_view what);

}  // namespace popyka::runtime
