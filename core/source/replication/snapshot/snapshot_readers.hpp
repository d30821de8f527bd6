#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "decode/formatted_rows.hpp"
#include "source/replication/snapshot/bounded_queue.hpp"
#include "source/replication/snapshot/snapshot_connection.hpp"
#include "source/replication/snapshot/snapshot_plan.hpp"

namespace popyka::source::replication {

// R messages of one table, formatted and decoded by a reader for the pipeline thread. Handed on
// by pointer: the rows' columns view into their messages, which must not move.
struct RowBatch {
  std::size_t table = 0;     // index in SnapshotPlan::tables
  decode::FormattedRows rows;
  bool range_done = false;   // the last batch of its range
};

// One thread per connection, each taking the plan's next unread range and reading it with COPY,
// formatting every row into its R message and decoding it; batches of up to batch_bytes of
// messages go to the pipeline thread through a queue of queued_per_reader batches a reader. So
// memory holds at most (3 x readers + 1) batches (one being filled per reader, two queued per
// reader, one being consumed), each batch_bytes plus one row, and 72 bytes (an sdk::Column and
// where its value is) per column of its rows (720 bytes for a 10-column row of the benchmark, whose
// message is ~650),
// besides libpq's buffer of one row per connection. Batches are recycled, not freed, until the
// end.
class SnapshotReaders {
 public:
  static constexpr std::size_t batch_bytes = 256 * 1024;
  static constexpr std::size_t queued_per_reader = 2;

  // Starts reading at once, one thread per connection.
  SnapshotReaders(const SnapshotPlan& plan, std::vector<std::unique_ptr<SnapshotConnection>> connections);
  // Stops the readers (a reader in the middle of a COPY drops it, one waiting in the server is
  // cancelled) and waits for them.
  ~SnapshotReaders();
  SnapshotReaders(const SnapshotReaders&) = delete;
  SnapshotReaders& operator=(const SnapshotReaders&) = delete;

  // The next batch, waiting up to `wait`; null when none came. Rethrows a reader's
  // failure (ReplicationError naming the table, ConnectionLost).
  std::unique_ptr<RowBatch> next(std::chrono::milliseconds wait);
  // Every range was read and every batch taken.
  bool finished();
  // Gives back a batch taken with next() once its messages were handed on: readers fill it
  // again, its buffers already allocated (and their pages in memory).
  void recycle(std::unique_ptr<RowBatch> batch);

 private:
  void read(SnapshotConnection& connection);
  void read_range(SnapshotConnection& connection, const SnapshotRange& range, bool& open);
  void rethrow_failure();
  // An empty batch for `table`: a recycled one when there is one.
  std::unique_ptr<RowBatch> empty_batch(std::size_t table);

  const SnapshotPlan& plan_;
  std::vector<std::unique_ptr<SnapshotConnection>> connections_;
  BoundedQueue<std::unique_ptr<RowBatch>> queue_;
  std::atomic<std::size_t> next_range_{0};
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
  std::mutex spare_mutex_;
  std::vector<std::unique_ptr<RowBatch>> spare_;
  std::vector<std::thread> threads_;
};

}  // namespace popyka::source::replication
