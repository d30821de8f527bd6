#pragma once
#include <chrono>

namespace popyka::source::replication {

enum class WaitOutcome { socket_readable, stop_requested, timed_out };

// Waits until `socket` is readable, `timeout` passes or, when `stop_ends_wait`, a stop is
// requested (runtime::stop_fd()). `socket` -1 waits for the stop or the timeout only.
WaitOutcome wait_readable(int socket, std::chrono::milliseconds timeout, bool stop_ends_wait = true);

}  // namespace popyka::source::replication
