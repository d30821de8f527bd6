#pragma once
#include <cstdint>
#include <vector>

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
  bool has_pending() const noexcept { return first_ != next_; }
  std::size_t pending_count() const noexcept { return static_cast<std::size_t>(next_ - first_); }

 private:
  struct Entry {
    sdk::Lsn lsn;
    std::uint32_t holds;
  };
  Entry& at(Sequence sequence);
  void grow();

  // Messages from first_ to next_, not all done yet, in a ring indexed by sequence & (size - 1)
  // (a power of two). It only grows, so once warm a message costs no allocation (a deque
  // allocated and freed a block every few dozen messages).
  std::vector<Entry> ring_ = std::vector<Entry>(64);
  Sequence first_ = 0;
  Sequence next_ = 0;
  sdk::Lsn confirmable_ = 0;
};

}  // namespace popyka::pipeline
