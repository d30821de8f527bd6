#include "pipeline/progress_tracker.hpp"

#include <algorithm>
#include <cassert>

namespace popyka::pipeline {

ProgressTracker::Sequence ProgressTracker::begin(sdk::Lsn lsn) {
  if (pending_count() == ring_.size()) grow();
  ring_[next_ & (ring_.size() - 1)] = Entry{lsn, 1};
  return next_++;
}

void ProgressTracker::grow() {
  std::vector<Entry> bigger(ring_.size() * 2);
  for (Sequence s = first_; s != next_; ++s) bigger[s & (bigger.size() - 1)] = ring_[s & (ring_.size() - 1)];
  ring_ = std::move(bigger);
}

ProgressTracker::Entry& ProgressTracker::at(Sequence sequence) {
  assert(sequence >= first_ && sequence < next_);
  return ring_[sequence & (ring_.size() - 1)];
}

void ProgressTracker::hold(Sequence sequence) { ++at(sequence).holds; }

void ProgressTracker::release(Sequence sequence) {
  Entry& entry = at(sequence);
  assert(entry.holds > 0);
  --entry.holds;
  while (first_ != next_ && at(first_).holds == 0) {
    confirmable_ = std::max(confirmable_, at(first_).lsn);
    ++first_;
  }
}

}  // namespace popyka::pipeline
