#include "source/replication/snapshot/snapshot_readers.hpp"

#include <fmt/format.h>

#include <pthread.h>
#include <simdjson.h>

#include <utility>

#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {
namespace {

// Gives `batch` its decoded columns, from where append() put each value, once its messages
// are all written (and so stay where they are).
void decode_columns(RowBatch& batch, const decode::RowFormat& format, std::span<const decode::ValueSpan> values) {
  if (!format.decodable() || !simdjson::validate_utf8(batch.messages.data(), batch.messages.size())) return;
  batch.columns.reserve(values.size());
  format.append_columns(batch.messages, values, batch.columns);
}

}  // namespace

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
  if (batch->messages.capacity() > 2 * batch_bytes) return;  // grown for a huge row: not kept for the rest
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
    batch->messages.clear();
    batch->ends.clear();
    batch->columns.clear();
    batch->range_done = false;
  } else {
    batch = std::make_unique<RowBatch>();
    batch->messages.reserve(batch_bytes + 4096);
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
  std::string scratch;
  std::vector<decode::ValueSpan> values;
  auto push = [&](bool range_done) {
    decode_columns(*batch, table.format, values);
    values.clear();
    batch->range_done = range_done;
    return queue_.push(std::exchange(batch, range_done ? nullptr : empty_batch(range.table)));  // none after the last
  };
  try {
    connection.copy_out(plan_.copy_command(range), [&](std::string_view row) {
      // A full batch goes when the next row comes: a range's last batch then holds its last
      // row (where the pipeline thread sees a table's last row).
      if (batch->messages.size() >= batch_bytes && !(open = push(false))) return false;
      table.format.append(batch->messages, row, scratch, values);
      batch->ends.push_back(batch->messages.size());
      return true;
    });
  } catch (const ServerError& e) {
    throw ReplicationError(fmt::format("initial snapshot: cannot read table {}: {}", table.name, e.what()));
  }
  if (!open) return;
  open = push(true);
}

}  // namespace popyka::source::replication
