#pragma once
#include <cstdint>
#include <string_view>

#include "popyka/sdk/visibility.hpp"

namespace popyka::sdk {
inline namespace v1 {

enum class LogLevel { Debug, Info, Warning, Error };

// Identifies one change an asynchronous processor has taken on (see Processor::process).
using Ticket = std::uint64_t;

// What the host offers a component: its logger and, for asynchronous processors, the way to
// report completion. Handed to setup().
//
// OWNERSHIP: the host's; it outlives every component.
// THREADING: call it only on the pipeline thread, from inside a call the host made into your
// component (setup, filter, process, poll, flush, handle_error).
// LIFETIME of what you pass: every string_view (a log line, a failure's text) need only be
// valid during the call; the host copies what it keeps before returning.
class POPYKA_SDK_VISIBLE Host {
 public:
  // Writes one line to the host's log, prefixed with your component's class name.
  virtual void log(LogLevel level, std::string_view message) noexcept = 0;
  // False when a line at `level` would not be written: skip building it.
  virtual bool log_enabled(LogLevel level) const noexcept = 0;

  // Asynchronous processors: from inside process(), take on the current change and return at
  // once; the host then waits for exactly one delivered() or failed() with the ticket before it
  // confirms the change to PostgreSQL. failed() sends the change through your error handlers as
  // if process() had thrown `error`.
  virtual Ticket defer() noexcept = 0;
  virtual void delivered(Ticket ticket) noexcept = 0;
  virtual void failed(Ticket ticket, std::string_view error) noexcept = 0;

  // True under `popyka-host --check-config`: check your config in setup() as usual, but connect
  // nowhere and start nothing; no change will come.
  virtual bool check_only() const noexcept { return false; }

 protected:
  ~Host() = default;
};

// Asynchronous processors: failed() for a failure that running the processor on the change again
// cannot change (see PermanentError). A separate interface, so that the Host's vtable, and every
// plugin built against it, stay as they are (abi.hpp): a host that knows it implements it on the
// Host it hands out. Call it through fail_permanently().
class POPYKA_SDK_VISIBLE PermanentFailures {
 public:
  // As Host::failed(): `error` need only be valid during the call.
  virtual void failed_permanently(Ticket ticket, std::string_view error) noexcept = 0;

 protected:
  ~PermanentFailures() = default;
};

// Reports a deferred change as failed for good; to a host without PermanentFailures, as failed().
inline void fail_permanently(Host& host, Ticket ticket, std::string_view error) noexcept {
  if (auto* permanent = dynamic_cast<PermanentFailures*>(&host)) permanent->failed_permanently(ticket, error);
  else host.failed(ticket, error);
}

}  // namespace v1
}  // namespace popyka::sdk
