#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace popyka::runtime {

// Sets up the process's logger (spdlog's default, on stderr): one line per event, as text or
// as one JSON object per line (`{"time":...,"level":...,"message":...}`) for log shippers.
// `level` is debug, info, warning or error. Everything in core logs through spdlog::info() and
// friends, which format nothing below the level.
//
// Lines are written to fd 2 in blocks of up to 64 KiB, not one write() a line (LogChangeProcessor
// logs a line per change): a warning or an error at once, with every line before it; the rest
// at flush_logs() and every `flush_interval` (0: never on a timer).
void configure_logging(const std::string& level, bool json,
                       std::chrono::seconds flush_interval = std::chrono::seconds(1));

// Writes out every line logged so far. Called before popyka-host confirms a position to
// PostgreSQL: a change's log line (LogChangeProcessor's output) is on stderr before the change
// counts as done, so a crash loses only lines of changes that are streamed again.
void flush_logs();

// The one line a fatal error gets on stderr: `popyka-host: <what>`, secrets masked, after every
// line logged before it. Plain text (the line a user reads first), or with JSON logs that text
// as a JSON line at level error, so the stream keeps one format. Never also logged: one line
// per error. Safe on the way out of a process whose other threads may be stuck mid-log.
void report_fatal(std::string_view what);

}  // namespace popyka::runtime
