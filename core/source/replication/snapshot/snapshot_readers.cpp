#include "source/replication/snapshot/snapshot_readers.hpp"

#include <fmt/format.h>

#include <pthread.h>

#include <utility>

#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {
SnapshotReaders::SnapshotReaders(const SnapshotPlan& plan, std::vector<std::unique_ptr<SnapshotConnection>> connections)
    : plan_(plan),
      connections_(std::move(connections)),
      queue_(queued_per_reader * connections_.size(), connections_.size()) {
  for (auto& connection : connections_) {
    threads_.emplace_back([this, &connection] {
      pthread_setname_np(pthread_self(), "snapshot-reader");  // how top and perf tell it from the pipeline thread
      read(*connection);
    });
  }
}

SnapshotReaders::~SnapshotReaders() {
  const bool all_read = queue_.drained();
  queue_.close();
  // Before every range is read (a stop, a failure), a reader may be waiting in the server for a
  // lock another session holds: cancel, or this would wait as long as that session.
  if (!all_read)
    for (auto& connection : connections_) connection->cancel();
  for (auto& thread : threads_) thread.join();
}

std::unique_ptr<RowBatch> SnapshotReaders::next(std::chrono::milliseconds wait) {
  rethrow_failure();
  auto batch = queue_.pop(wait);
  if (!batch) rethrow_failure();  // a failing reader closes the queue
  return batch ? std::move(*batch) : nullptr;
}

bool SnapshotReaders::finished() {
  rethrow_failure();
  return queue_.drained();
}

void SnapshotReaders::recycle(std::unique_ptr<RowBatch> batch) {
  if (batch->rows.capacity_bytes() > 2 * batch_bytes) return;  // grown for a huge row: not kept for the rest
  std::lock_guard lock(spare_mutex_);
  spare_.push_back(std::move(batch));
}

std::unique_ptr<RowBatch> SnapshotReaders::empty_batch(std::size_t table) {
  std::unique_ptr<RowBatch> batch;
  {
    std::lock_guard lock(spare_mutex_);
    if (!spare_.empty()) {
      batch = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  if (batch) {
    batch->rows.clear();
    batch->range_done = false;
  } else {
    batch = std::make_unique<RowBatch>();
    batch->rows.reserve_bytes(batch_bytes + 4096);
  }
  batch->table = table;
  return batch;
}

void SnapshotReaders::rethrow_failure() {
  std::lock_guard lock(failure_mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

void SnapshotReaders::read(SnapshotConnection& connection) {
  try {
    bool open = true;
    while (open) {
      const std::size_t i = next_range_.fetch_add(1);
      if (i >= plan_.ranges.size()) break;
      read_range(connection, plan_.ranges[i], open);
    }
  } catch (...) {
    {
      std::lock_guard lock(failure_mutex_);
      if (!failure_) failure_ = std::current_exception();
    }
    queue_.close();
  }
  queue_.producer_finished();
}

void SnapshotReaders::read_range(SnapshotConnection& connection, const SnapshotRange& range, bool& open) {
  const SnapshotTablePlan& table = plan_.tables[range.table];
  auto batch = empty_batch(range.table);
  auto push = [&](bool range_done) {
    batch->rows.finish(table.format);
    batch->range_done = range_done;
    return queue_.push(std::exchange(batch, range_done ? nullptr : empty_batch(range.table)));  // none after the last
  };
  try {
    connection.copy_out(plan_.copy_command(range), [&](std::string_view row) {
      // A full batch goes when the next row comes: a range's last batch then holds its last
      // row (where the pipeline thread sees a table's last row).
      if (batch->rows.bytes() >= batch_bytes && !(open = push(false))) return false;
      batch->rows.append(table.format, row);
      return true;
    });
  } catch (const ServerError& e) {
    throw ReplicationError(fmt::format("initial snapshot: cannot read table {}: {}", table.name, e.what()));
  }
  if (!open) return;
  open = push(true);
}

}  // namespace popyka::source::replication
