#pragma once

namespace popyka::runtime {

// SIGINT and SIGTERM ask the host to stop: loops check stop_requested() and wait on
// stop_fd() (readable once a stop is asked) beside their own sockets.
void install_stop_handlers();
void request_stop() noexcept;
bool stop_requested() noexcept;
int stop_fd() noexcept;
// Why the stop was asked, for the log: "SIGTERM", "SIGINT", or "requested".
const char* stop_reason() noexcept;

}  // namespace popyka::runtime
