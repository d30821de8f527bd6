#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "config/pipeline_config.hpp"
#include "metrics/metrics_registry.hpp"
#include "popyka/sdk/change.hpp"
#include "source/change_consumer.hpp"
#include "source/replication/incremental/chunk_reader.hpp"
#include "source/replication/incremental/chunk_window.hpp"
#include "source/replication/incremental/snapshot_signal.hpp"
#include "source/replication/incremental/watermark.hpp"
#include "source/replication/snapshot/initial_snapshot.hpp"

namespace popyka::source::replication::incremental {

// Incremental snapshots (DBLog's watermarks), run by the replication session on the stream's
// thread beside the stream: tables read again in primary-key chunks, one chunk at a time.
//
// For each chunk: a low watermark (a non-transactional popyka.watermark message carrying the
// whole SnapshotState), the chunk read (ChunkReader), a high watermark. From the read until the
// stream reaches the high watermark, every streamed change to a key of the chunk removes that
// key's row (ChunkWindow); at the high watermark the rows left go to the consumer as R changes at
// its LSN. The next low watermark is written once those rows are done and a status confirmed
// them. While a snapshot runs the session confirms no further than ceiling(), the stream position
// received just before the current low watermark was written: after a crash or a stop the server
// sends that watermark again, and the first low watermark seen with no snapshot running resumes
// from its state (reading that chunk again). Watermarks of other runs are ignored (each run has
// a nonce).
class IncrementalSnapshot {
 public:
  IncrementalSnapshot(const config::DatabaseSpec& database, OutputSettings settings, metrics::Registry& registry);

  // Queues the request's tables (after those of a snapshot that runs). A request the snapshot
  // cannot follow is one warning naming the signal and is dropped; the stream goes on.
  void request(const SnapshotRequest& request);
  // Drops the named tables (all of them when none is named) from the snapshot, the current chunk too.
  void stop(const StopRequest& request);

  // A popyka.watermark message's content, at `lsn`. True when it handed rows to `consumer` (the
  // current chunk's high watermark).
  bool on_watermark(std::string_view content, sdk::Lsn lsn, ChangeConsumer& consumer);
  // True while a chunk waits for its high watermark: the stream's changes must go to on_change().
  bool window_open() const { return phase_ == Phase::awaiting_high; }
  void on_change(const sdk::Change& change);

  // Called on every turn of the stream's loop: when the last chunk's rows are done, calls
  // `confirm` (a status update, which ceiling() bounds), then reads the next chunk. `received`:
  // how far the stream has been received.
  void step(ChangeConsumer& consumer, sdk::Lsn received, const std::function<void()>& confirm);

  // The highest position the session may confirm while a snapshot runs.
  std::optional<sdk::Lsn> ceiling() const { return ceiling_; }
  bool running() const { return phase_ != Phase::idle; }

 private:
  enum class Phase { idle, next_chunk, awaiting_high };

  // Starts the next table of the queue (finishing the snapshot when there is none).
  void next_table();
  void finish(std::string_view how);
  void read_chunk(const std::function<void()>& confirm, sdk::Lsn received);
  void resume(SnapshotState state);
  bool on_high_watermark(sdk::Lsn lsn, ChangeConsumer& consumer);
  metrics::SnapshotTable& progress(const std::string& table);
  std::string fresh_nonce() const;

  const config::DatabaseSpec& database_;
  metrics::Registry& registry_;
  ChunkReader reader_;
  Phase phase_ = Phase::idle;
  SnapshotState state_;
  std::optional<ChunkWindow> window_;  // kept from chunk to chunk of a table (its buffers)
  std::string window_table_;
  std::optional<sdk::Lsn> ceiling_;
  std::set<std::string> old_nonces_;  // runs never to resume from (this one's included once it ends)
  std::chrono::steady_clock::time_point next_done_check_{};
  sdk::Lsn released_at_ = 0;  // the last chunk's rows' LSN
  std::chrono::steady_clock::time_point started_{};
  std::uint64_t rows_ = 0;  // of this run
};

}  // namespace popyka::source::replication::incremental
