#pragma once
#include <chrono>

#include "popyka/sdk/change.hpp"
#include "popyka/sdk/component.hpp"

namespace popyka::sdk {
inline namespace v1 {

// Does something with each change that passed the filters: log it, send it somewhere.
// Processors run in config order, each on the same change.
//
// SYNCHRONOUS (the default): when process() returns, the change is done for this processor.
// Throwing sends it to the processor's error handlers (see ErrorHandler); without handlers the
// host stops with an error and the change is not confirmed, so it comes again after a restart.
//
// ASYNCHRONOUS: process() calls `Ticket t = host.defer()` and returns at once; later, from
// process(), poll() or flush(), the processor calls host.delivered(t) or host.failed(t, why).
// PostgreSQL is told a change is done only when every processor is done with it.
//
// TIME: each call must return within the processor's `timeout_s` (default 60 s; poll() gets its
// `wait` on top). A call that does not is reported and the host exits without confirming the
// change; it cannot be cancelled, so put your own, shorter timeouts on network calls.
class POPYKA_SDK_VISIBLE Processor : public Component {
 public:
  virtual void process(const Change& change) = 0;

  // Make durable what you have taken on (write out buffers, fsync). The host calls it before it
  // confirms progress to PostgreSQL and when it stops. An exception stops the host with an
  // error and nothing more is confirmed.
  virtual void flush() {}

  // Asynchronous processors: report the completions that have arrived, waiting up to `wait` for
  // one. The host calls it while changes are pending: between changes, while idle, and at stop
  // until nothing is pending or its stop deadline passes.
  virtual void poll(std::chrono::milliseconds wait) { (void)wait; }
};

}  // namespace v1
}  // namespace popyka::sdk
