#include "source/replication/snapshot/snapshot_readers.hpp"

#include <fmt/format.h>

#include <utility>

#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {
namespace {

RowBatch new_batch(std::size_t table) {
  RowBatch batch;
  batch.table = table;
  batch.messages.reserve(SnapshotReaders::batch_bytes + 4096);
  return batch;
}

}  // namespace

SnapshotReaders::SnapshotReaders(const SnapshotPlan& plan, std::vector<std::unique_ptr<SnapshotConnection>> connections)
    : plan_(plan),
      connections_(std::move(connections)),
      queue_(queued_per_reader * connections_.size(), connections_.size()) {
  for (auto& connection : connections_) threads_.emplace_back([this, &connection] { read(*connection); });
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

std::optional<RowBatch> SnapshotReaders::next(std::chrono::milliseconds wait) {
  rethrow_failure();
  auto batch = queue_.pop(wait);
  if (!batch) rethrow_failure();  // a failing reader closes the queue
  return batch;
}

bool SnapshotReaders::finished() {
  rethrow_failure();
  return queue_.drained();
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
  RowBatch batch = new_batch(range.table);
  std::string scratch;
  try {
    connection.copy_out(plan_.copy_command(range), [&](std::string_view row) {
      table.format.append(batch.messages, row, scratch);
      batch.ends.push_back(batch.messages.size());
      if (batch.messages.size() < batch_bytes) return true;
      open = queue_.push(std::exchange(batch, new_batch(range.table)));
      return open;
    });
  } catch (const ServerError& e) {
    throw ReplicationError(fmt::format("initial snapshot: cannot read table {}: {}", table.name, e.what()));
  }
  if (!open) return;
  batch.range_done = true;
  open = queue_.push(std::move(batch));
}

}  // namespace popyka::source::replication
