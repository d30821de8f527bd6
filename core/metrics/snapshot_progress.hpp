#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/counters.hpp"

namespace popyka::metrics {

// One table of a snapshot (the initial one, or an incremental one): written by the snapshot on
// the pipeline thread, read by the metrics server and the progress log.
struct SnapshotTable {
  enum State : std::int64_t { waiting = 0, reading = 1, done = 2 };
  std::string name;          // schema.table
  Gauge estimated_rows;      // pg_class.reltuples; -1 when the table was never analyzed
  Gauge rows;                // R rows handed to the pipeline; from 0 again when a snapshot starts over
  Gauge state;               // State
  Gauge chunks;              // chunks done (an incremental snapshot's)
};

// A snapshot's progress (the initial one's, or the incremental ones'): whether it runs and each
// table's rows.
class SnapshotProgress {
 public:
  Gauge running;  // 1 while the snapshot is being read

  // The table's entry, created on first use; a snapshot that starts over finds its old entry
  // (stable address) and sets it again.
  SnapshotTable& table(std::string_view name);

  struct Sample {
    std::string name;
    std::int64_t estimated_rows, rows, state, chunks;
  };
  std::vector<Sample> sample() const;

 private:
  mutable std::mutex mutex_;
  std::deque<SnapshotTable> tables_;
};

}  // namespace popyka::metrics
