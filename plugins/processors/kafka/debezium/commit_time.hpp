#pragma once
#include <string>

#include <popyka/sdk/change.hpp>

#include "epoch_times.hpp"

namespace popyka::kafka::debezium {

// The commit time of a change (wal2json's include-timestamp, source.ts_ms/us/ns), read once per
// transaction rather than once per change: the last one read is kept with its timestamp's text.
class CommitTime {
 public:
  // The commit time of `change`; null when it has none (a snapshot row) or it is infinite.
  const EpochTimes* of(const sdk::Change& change);

 private:
  std::string text_;  // the timestamp's JSON that `times_` was read from
  bool finite_ = false;
  EpochTimes times_;
  std::string buffer_;
};

}  // namespace popyka::kafka::debezium
