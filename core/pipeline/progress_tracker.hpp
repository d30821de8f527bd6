#pragma once
#include <cstdint>
#include <deque>

#include "popyka/sdk/change.hpp"

namespace popyka::pipeline {

// Knows the LSN up to which every change is done. Each message gets a sequence number in
// stream order and holds; it is done when every hold is released (the synchronous pass
// through the processors, and one per asynchronous delivery). The confirmable LSN is the
// highest LSN among the done prefix of the stream: LSNs are not monotonic across
// interleaved transactions, so a later message can carry a lower LSN, never a reason to go back.
class ProgressTracker {
 public:
  using Sequence = std::uint64_t;

  // A new message with one hold (its synchronous pass).
  Sequence begin(sdk::Lsn lsn);
  void hold(Sequence sequence);
  void release(Sequence sequence);

  sdk::Lsn confirmable() const noexcept { return confirmable_; }
  bool has_pending() const noexcept { return !entries_.empty(); }
  std::size_t pending_count() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    sdk::Lsn lsn;
    std::uint32_t holds;
  };
  Entry& at(Sequence sequence);

  std::deque<Entry> entries_;  // messages from first_ on, not all done yet
  Sequence first_ = 0;
  Sequence next_ = 0;
  sdk::Lsn confirmable_ = 0;
};

}  // namespace popyka::pipeline
