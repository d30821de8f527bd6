#include "pipeline/progress_tracker.hpp"

#include <algorithm>
#include <cassert>

namespace popyka::pipeline {

ProgressTracker::Sequence ProgressTracker::begin(sdk::Lsn lsn) {
  entries_.push_back(Entry{lsn, 1});
  return next_++;
}

ProgressTracker::Entry& ProgressTracker::at(Sequence sequence) {
  assert(sequence >= first_ && sequence < next_);
  return entries_[sequence - first_];
}

void ProgressTracker::hold(Sequence sequence) { ++at(sequence).holds; }

void ProgressTracker::release(Sequence sequence) {
  Entry& entry = at(sequence);
  assert(entry.holds > 0);
  --entry.holds;
  while (!entries_.empty() && entries_.front().holds == 0) {
    confirmable_ = std::max(confirmable_, entries_.front().lsn);
    entries_.pop_front();
    ++first_;
  }
}

}  // namespace popyka::pipeline
