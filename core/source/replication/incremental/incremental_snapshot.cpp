#include "source/replication/incremental/incremental_snapshot.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <regex>

#include "runtime/logging.hpp"
#include "source/replication/replication_error.hpp"

namespace popyka::source::replication::incremental {
namespace {

using Clock = std::chrono::steady_clock;

// While deliveries are outstanding, how often checkpoint() is asked whether the last chunk's rows
// are done (it flushes the processors: not on every turn of the loop).
constexpr auto done_check_interval = std::chrono::milliseconds(50);

// A data-collection of a signal names `table`: exactly, or as an anchored regular expression.
bool names(const std::string& pattern, const std::string& table) {
  if (pattern == table) return true;
  try {
    return std::regex_match(table, std::regex(pattern));
  } catch (const std::regex_error&) {
    return false;
  }
}

}  // namespace

IncrementalSnapshot::IncrementalSnapshot(const config::DatabaseSpec& database, OutputSettings settings,
                                         metrics::Registry& registry)
    : database_(database), registry_(registry), reader_(database, std::move(settings)) {}

std::string IncrementalSnapshot::fresh_nonce() const {
  std::random_device random;
  return fmt::format("{:08x}{:08x}", random(), random());
}

metrics::SnapshotTable& IncrementalSnapshot::progress(const std::string& table) {
  return registry_.incremental_snapshot.table(table);
}

void IncrementalSnapshot::request(const SnapshotRequest& request) {
  // Each table on its own: one refused (one warning) leaves the others to read.
  std::vector<TableToRead> tables;
  const auto add = [&](const std::string& name) {
    const ChunkTable& table = reader_.table(name);  // refuses a table without a primary key
    std::string condition;
    for (const auto& [collection, filter] : request.conditions)
      if (names(collection, name)) condition = filter;
    reader_.check_condition(table, condition);
    tables.push_back({name, condition});
  };
  for (const std::string& pattern : request.tables) {
    try {
      for (const std::string& name : reader_.resolve(pattern)) {
        try {
          add(name);
        } catch (const SnapshotRefused& e) {
          spdlog::warn("incremental snapshot signal {}: refused: {}", request.id, e.what());
        }
      }
    } catch (const SnapshotRefused& e) {
      spdlog::warn("incremental snapshot signal {}: refused: {}", request.id, e.what());
    } catch (const ServerError& e) {
      spdlog::warn("incremental snapshot signal {}: cannot look {} up: {}", request.id, pattern, e.what());
    }
  }
  if (tables.empty()) return;
  const auto queued = [&](const TableToRead& table) {
    return (running() && state_.current == table) ||
           std::find(state_.queue.begin(), state_.queue.end(), table) != state_.queue.end();
  };
  std::size_t added = 0;
  for (TableToRead& table : tables) {
    if (queued(table)) continue;
    state_.queue.push_back(std::move(table));
    ++added;
  }
  spdlog::info("incremental snapshot signal {}: {} table(s) to read{}", request.id, added,
               running() ? " after the snapshot that runs" : "");
  if (running()) return;
  state_.snapshot_id = request.id;
  state_.nonce = fresh_nonce();
  state_.chunk = 1;
  started_ = Clock::now();
  rows_ = 0;
  registry_.incremental_snapshot.running.set(1);
  phase_ = Phase::next_chunk;
  next_table();
}

void IncrementalSnapshot::next_table() {
  while (!state_.queue.empty()) {
    state_.current = std::move(state_.queue.front());
    state_.queue.pop_front();
    state_.last_key.reset();
    state_.table_chunks = state_.table_rows = 0;
    try {
      const ChunkTable& table = reader_.table(state_.current.table);
      metrics::SnapshotTable& entry = progress(table.name);
      entry.rows.set(0);
      entry.chunks.set(0);
      entry.estimated_rows.set(table.catalog.estimated_rows < 0 ? -1 : std::llround(table.catalog.estimated_rows));
      entry.state.set(metrics::SnapshotTable::reading);
      spdlog::info("incremental snapshot {}: reading {} ({} row(s), pg_class.reltuples) in chunks of {}",
                   state_.snapshot_id, table.name,
                   table.catalog.estimated_rows < 0 ? std::string("unknown")
                                                    : fmt::format("~{:.0f}", table.catalog.estimated_rows),
                   database_.snapshot_chunk_size);
      phase_ = Phase::next_chunk;
      return;
    } catch (const SnapshotRefused& e) {
      spdlog::warn("incremental snapshot {}: skipping {}: {}", state_.snapshot_id, state_.current.table, e.what());
    }
  }
  finish("done");
}

void IncrementalSnapshot::finish(std::string_view how) {
  const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  spdlog::info("incremental snapshot {}: {}, {} row(s) in {:.1f}s ({:.0f} rows/s)", state_.snapshot_id, how, rows_,
               seconds, seconds > 0 ? rows_ / seconds : 0.0);
  runtime::flush_logs();  // a milestone a person (or a script) waits for
  old_nonces_.insert(state_.nonce);
  state_ = {};
  window_.reset();
  ceiling_.reset();
  phase_ = Phase::idle;
  registry_.incremental_snapshot.running.set(0);
}

void IncrementalSnapshot::step(ChangeConsumer& consumer, sdk::Lsn received, const std::function<void()>& confirm) {
  if (phase_ != Phase::next_chunk) return;
  // The last chunk's rows done first: a crash then repeats one chunk at most.
  if (consumer.has_pending()) {
    const auto now = Clock::now();
    if (now < next_done_check_) return;
    next_done_check_ = now + done_check_interval;
    if (consumer.checkpoint() < released_at_) return;
  }
  read_chunk(confirm, received);
}

void IncrementalSnapshot::read_chunk(const std::function<void()>& confirm, sdk::Lsn received) {
  // Not the low watermark's own LSN: a message's LSN is its record's end, and the server skips a
  // record that starts before the confirmed position.
  ceiling_ = received;
  confirm();
  try {
    const ChunkTable& table = reader_.table(state_.current.table);
    reader_.write_watermark(low_watermark(state_), /*flush=*/false);
    if (!window_ || window_table_ != table.name) {
      window_.emplace(table.format, table.catalog.schema, table.catalog.name, table.key_names);
      window_table_ = table.name;
    }
    window_->clear();
    reader_.read_chunk(table, state_.current.condition, state_.last_key,
                       static_cast<std::size_t>(database_.snapshot_chunk_size), *window_);
    reader_.write_watermark(high_watermark(state_.nonce, state_.chunk), /*flush=*/true);
    phase_ = Phase::awaiting_high;
  } catch (const SnapshotRefused& e) {  // the server takes no watermarks: nothing else can be read either
    spdlog::warn("incremental snapshot {}: {}", state_.snapshot_id, e.what());
    finish("stopped");
  } catch (const ServerError& e) {  // the table dropped meanwhile, a condition that fails on some row...
    spdlog::warn("incremental snapshot {}: cannot read {}: {}; going on with the next table", state_.snapshot_id,
                 state_.current.table, e.what());
    window_.reset();
    progress(state_.current.table).state.set(metrics::SnapshotTable::done);
    next_table();
  }
}

void IncrementalSnapshot::on_change(const sdk::Change& change) {
  if (window_) window_->on_change(change);
}

bool IncrementalSnapshot::on_watermark(std::string_view content, sdk::Lsn lsn, ChangeConsumer& consumer) {
  auto watermark = parse_watermark(content);
  if (!watermark) return false;
  if (running() && watermark->nonce == state_.nonce) {
    return watermark->high && watermark->chunk == state_.chunk && phase_ == Phase::awaiting_high &&
           on_high_watermark(lsn, consumer);
  }
  // Another run's: the first low one with none running is where an interrupted snapshot goes on.
  if (!running() && !watermark->high && !old_nonces_.contains(watermark->nonce)) {
    resume(std::move(watermark->state));
    return false;
  }
  old_nonces_.insert(watermark->nonce);
  return false;
}

void IncrementalSnapshot::resume(SnapshotState state) {
  old_nonces_.insert(state.nonce);
  state_ = std::move(state);
  state_.nonce = fresh_nonce();
  started_ = Clock::now();
  rows_ = 0;
  registry_.incremental_snapshot.running.set(1);
  spdlog::info("incremental snapshot {}: resuming {} at chunk {} ({} row(s) of it done)", state_.snapshot_id,
               state_.current.table, state_.table_chunks + 1, state_.table_rows);
  try {
    const ChunkTable& table = reader_.table(state_.current.table);
    metrics::SnapshotTable& entry = progress(table.name);
    entry.rows.set(static_cast<std::int64_t>(state_.table_rows));
    entry.chunks.set(static_cast<std::int64_t>(state_.table_chunks));
    entry.estimated_rows.set(table.catalog.estimated_rows < 0 ? -1 : std::llround(table.catalog.estimated_rows));
    entry.state.set(metrics::SnapshotTable::reading);
    phase_ = Phase::next_chunk;
  } catch (const SnapshotRefused& e) {
    spdlog::warn("incremental snapshot {}: skipping {}: {}", state_.snapshot_id, state_.current.table, e.what());
    phase_ = Phase::next_chunk;
    next_table();
  }
}

bool IncrementalSnapshot::on_high_watermark(sdk::Lsn lsn, ChangeConsumer& consumer) {
  const std::size_t released = window_->release(lsn, consumer);
  released_at_ = lsn;
  rows_ += released;
  state_.table_rows += released;
  ++state_.table_chunks;
  metrics::SnapshotTable& entry = progress(state_.current.table);
  entry.rows.set(static_cast<std::int64_t>(state_.table_rows));
  entry.chunks.set(static_cast<std::int64_t>(state_.table_chunks));
  const bool full = window_->rows_read() >= static_cast<std::size_t>(database_.snapshot_chunk_size);
  std::optional<std::string> last = window_->last_key();
  window_->clear();
  ++state_.chunk;
  phase_ = Phase::next_chunk;
  if (full && last) {
    state_.last_key = std::move(last);
    return released > 0;
  }
  if (full) {
    spdlog::warn("incremental snapshot {}: cannot read the primary key of {}'s rows; the rest of the table is skipped",
                 state_.snapshot_id, state_.current.table);
  }
  entry.state.set(metrics::SnapshotTable::done);
  spdlog::info("incremental snapshot {}: {} done, {} row(s) in {} chunk(s)", state_.snapshot_id, state_.current.table,
               state_.table_rows, state_.table_chunks);
  next_table();
  return released > 0;
}

void IncrementalSnapshot::stop(const StopRequest& request) {
  if (!running()) {
    spdlog::info("incremental snapshot stop signal {}: no snapshot runs", request.id);
    return;
  }
  const auto stopped = [&](const TableToRead& table) {
    return request.tables.empty() ||
           std::any_of(request.tables.begin(), request.tables.end(), [&](const std::string& p) { return names(p, table.table); });
  };
  std::erase_if(state_.queue, stopped);
  spdlog::info("incremental snapshot {}: stop signal {}{}", state_.snapshot_id, request.id,
               request.tables.empty() ? ": every table" : "");
  if (!stopped(state_.current)) return;
  progress(state_.current.table).state.set(metrics::SnapshotTable::done);
  window_.reset();  // its high watermark, if it comes, is ignored: the chunk count moves on
  ++state_.chunk;
  phase_ = Phase::next_chunk;
  next_table();
}

}  // namespace popyka::source::replication::incremental
