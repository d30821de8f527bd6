#pragma once
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/progress_tracker.hpp"
#include "pipeline/retained_facts.hpp"
#include "popyka/sdk/host.hpp"

namespace popyka::pipeline {

// A change an asynchronous processor took on with Host::defer(). The message is kept, so an
// error handler can see it, and RetryProcessor can run the processor on it again, after the
// receive buffer has moved on.
struct PendingDelivery {
  ProgressTracker::Sequence sequence = 0;
  std::size_t processor = 0;
  std::string json;
  sdk::Lsn lsn = 0;
  int retries = 0;
  int attempts = 0;
  RetainedFacts facts;  // what `json` does not say
};

struct FailedDelivery {
  PendingDelivery delivery;
  std::string error;
  bool permanent = false;  // retrying cannot change it (sdk::PermanentFailures)
};

// The changes processors have deferred, by ticket. Tickets are handed out in order, so they
// index a deque; completions may come in any order.
class AsyncDeliveries {
 public:
  explicit AsyncDeliveries(ProgressTracker& progress) : progress_(progress) {}

  sdk::Ticket defer(PendingDelivery delivery);
  // `json` in a buffer a finished delivery left (no allocation once warm), for PendingDelivery::json.
  std::string copy_of(std::string_view json);
  // Releases the change's hold on progress.
  void delivered(sdk::Ticket ticket);
  // Queues the failure for the pipeline, which handles it between changes; the change stays held.
  void failed(sdk::Ticket ticket, std::string error, bool permanent = false);

  std::vector<FailedDelivery> take_failures() { return std::exchange(failures_, {}); }
  bool has_failures() const noexcept { return !failures_.empty(); }
  bool has_pending() const noexcept { return !slots_.empty(); }

 private:
  struct Slot {
    PendingDelivery delivery;
    bool open = true;
  };
  Slot* open_slot(sdk::Ticket ticket);
  void close(Slot& slot);

  ProgressTracker& progress_;
  std::deque<Slot> slots_;
  sdk::Ticket first_ticket_ = 1;  // 0 is never a valid ticket
  std::vector<FailedDelivery> failures_;
  // Buffers of delivered messages, for copy_of(): each at most kept_buffer_bytes, kept_bytes in all.
  static constexpr std::size_t kept_buffer_bytes = 64 * 1024, kept_bytes = 4 * 1024 * 1024;
  std::vector<std::string> spare_buffers_;
  std::size_t spare_bytes_ = 0;
};

}  // namespace popyka::pipeline
