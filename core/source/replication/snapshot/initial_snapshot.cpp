#include "source/replication/snapshot/initial_snapshot.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "metrics/metrics_registry.hpp"
#include "runtime/logging.hpp"
#include "runtime/stop_signal.hpp"
#include "source/replication/snapshot/snapshot_connection.hpp"
#include "source/replication/snapshot/snapshot_plan.hpp"
#include "source/replication/snapshot/snapshot_readers.hpp"

namespace popyka::source::replication {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The settings that change what a type's output function prints (money: lc_monetary).
constexpr std::string_view output_setting_names[] = {"DateStyle",    "IntervalStyle", "TimeZone",
                                                     "extra_float_digits", "bytea_output", "lc_monetary"};

// How long the pipeline thread waits for a batch before it looks at a stop request again.
constexpr auto batch_wait = milliseconds(100);
// While deliveries are outstanding, the consumer's poll() and the readers take turns this often.
constexpr auto pending_poll_slice = milliseconds(5);

std::string estimate_text(double estimated) {
  return estimated < 0 ? std::string("unknown") : fmt::format("~{:.0f}", estimated);
}

double per_second(std::uint64_t rows, double seconds) { return seconds > 0 ? rows / seconds : 0.0; }

// popyka_snapshot_running is 1 for the lifetime of this.
class RunningGauge {
 public:
  explicit RunningGauge(metrics::Registry& registry) : registry_(registry) { registry_.snapshot.running.set(1); }
  ~RunningGauge() { registry_.snapshot.running.set(0); }

 private:
  metrics::Registry& registry_;
};

// The pipeline thread's side: hands the readers' batches to the consumer, keeps each table's
// progress (log lines at its start and end, the registry for /metrics and the progress log).
class SnapshotRun {
 public:
  // `xid`: the snapshot transaction's txid_current(), each row's snapshot_xid().
  SnapshotRun(const InitialSnapshot& snapshot, ChangeConsumer& consumer, const SnapshotPlan& plan, std::string xid)
      : snapshot_(snapshot), consumer_(consumer), plan_(plan), xid_(std::move(xid)) {
    for (const SnapshotTablePlan& table : plan.tables) {
      metrics::SnapshotTable& entry = snapshot.registry.snapshot.table(table.name);
      entry.rows.set(0);
      entry.estimated_rows.set(table.estimated_rows < 0 ? -1 : std::llround(table.estimated_rows));
      entry.state.set(metrics::SnapshotTable::waiting);
      tables_.push_back({&entry, 0, {}, false});
    }
    for (const SnapshotRange& range : plan.ranges) ++tables_[range.table].ranges_left;
  }

  // False when a stop was requested first.
  bool run(SnapshotReaders& readers) {
    for (;;) {
      if (runtime::stop_requested()) return false;
      auto batch = readers.next(consumer_.has_pending() ? milliseconds(0) : batch_wait);
      if (batch) {
        note_progress(*batch);
        hand_on(std::move(batch), readers);
        if (consumer_.has_pending()) consumer_.poll(milliseconds(0));
      } else if (readers.finished()) {
        if (held_) hand_on_row(*held_, held_->rows.size() - 1, true, true);
        return true;
      } else if (consumer_.has_pending()) {
        consumer_.poll(pending_poll_slice);
      }
    }
  }

  std::uint64_t rows() const { return rows_; }

 private:
  struct Table {
    metrics::SnapshotTable* progress;
    std::size_t ranges_left;
    Clock::time_point started;
    bool handed = false;  // a row of it was handed on
  };

  // Each table's progress: log lines at its start and end, the registry.
  void note_progress(const RowBatch& batch) {
    Table& table = tables_[batch.table];
    const SnapshotTablePlan& plan = plan_.tables[batch.table];
    if (table.progress->state.value() == metrics::SnapshotTable::waiting) {
      spdlog::info("initial snapshot of {}: reading {} row(s) (pg_class.reltuples)", plan.name,
                   estimate_text(plan.estimated_rows));
      table.progress->state.set(metrics::SnapshotTable::reading);
      table.started = Clock::now();
    }
    table.progress->rows.add(static_cast<std::int64_t>(batch.rows.size()));
    rows_ += batch.rows.size();
    if (batch.range_done && --table.ranges_left == 0) {
      table.progress->state.set(metrics::SnapshotTable::done);
      const auto rows = static_cast<std::uint64_t>(table.progress->rows.value());
      const double seconds = std::chrono::duration<double>(Clock::now() - table.started).count();
      spdlog::info("initial snapshot of {}: done, {} row(s) in {:.1f}s ({:.0f} rows/s)", plan.name, rows, seconds,
                   per_second(rows, seconds));
      runtime::flush_logs();  // a milestone a person (or a script) waits for: on stderr at once
    }
  }

  // Hands on the batch's rows but its last, which waits for the next batch, or for the end: then
  // it is the snapshot's last row (Debezium's source.snapshot `last`), known without asking the
  // readers anything. Gives back the batch it no longer holds.
  void hand_on(std::unique_ptr<RowBatch> batch, SnapshotReaders& readers) {
    if (batch->rows.size() == 0) {  // a range without rows: the row held may still be its table's last
      if (held_ && held_->table == batch->table && batch->range_done && tables_[batch->table].ranges_left == 0)
        held_ends_table_ = true;
      readers.recycle(std::move(batch));
      return;
    }
    if (held_) {
      hand_on_row(*held_, held_->rows.size() - 1, false, held_ends_table_);
      readers.recycle(std::move(held_));
    }
    for (std::size_t row = 0; row + 1 < batch->rows.size(); ++row) hand_on_row(*batch, row, false, false);
    // Its table's last batch (the readers put a range's last row in its last batch): no row of
    // the table comes after this one's last.
    held_ends_table_ = batch->range_done && tables_[batch->table].ranges_left == 0;
    held_ = std::move(batch);
  }

  // Debezium's order (RelationalSnapshotChangeEventSource.setSnapshotMarker).
  sdk::SnapshotPosition position(bool first_in_table, bool last_in_table, bool last) const {
    if (last) return sdk::SnapshotPosition::last;
    if (handed_ == 0) return sdk::SnapshotPosition::first;
    if (last_in_table) return sdk::SnapshotPosition::last_in_table;
    if (first_in_table) return sdk::SnapshotPosition::first_in_table;
    return sdk::SnapshotPosition::middle;
  }

  void hand_on_row(const RowBatch& batch, std::size_t row, bool last, bool last_in_table) {
    Table& table = tables_[batch.table];
    const sdk::SnapshotPosition at = position(!table.handed, last_in_table, last);
    table.handed = true;
    ++handed_;
    if (!batch.rows.decoded()) {  // decoded by the pipeline from its text, without the snapshot's facts
      consumer_.consume(batch.rows.message(row), snapshot_.consistent_point);
      return;
    }
    batch.rows.decode(plan_.tables[batch.table].format, row, snapshot_.consistent_point, row_);
    row_.set_snapshot_position(at);
    row_.set_snapshot_xid(xid_);
    consumer_.consume_decoded(row_, row_.json().size());
  }

  const InitialSnapshot& snapshot_;
  ChangeConsumer& consumer_;
  decode::DecodedChange row_;  // the row at hand, reused
  const SnapshotPlan& plan_;
  std::vector<Table> tables_;
  std::uint64_t rows_ = 0;
  const std::string xid_;
  std::unique_ptr<RowBatch> held_;  // whose last row is not handed on yet
  bool held_ends_table_ = false;    // that row is its table's last
  std::uint64_t handed_ = 0;        // rows handed on
};

}  // namespace

OutputSettings read_output_settings(ReplicationConnection& walsender) {
  std::string query = "SELECT current_setting('server_encoding')";
  for (auto name : output_setting_names) query += fmt::format(", current_setting('{}')", name);
  auto result = walsender.execute(query);
  // The stream carries text in the server's encoding, unconverted.
  OutputSettings settings{{"client_encoding", std::string(result.value(0, 0))}};
  for (std::size_t i = 0; i < std::size(output_setting_names); ++i) {
    settings.emplace_back(std::string(output_setting_names[i]), std::string(result.value(0, static_cast<int>(i) + 1)));
  }
  return settings;
}

bool read_initial_snapshot(const InitialSnapshot& snapshot, ChangeConsumer& consumer) {
  const RunningGauge running(snapshot.registry);
  const auto started = Clock::now();
  const int parallelism = std::max(1, snapshot.database.snapshot_parallelism);
  std::vector<std::unique_ptr<SnapshotConnection>> connections;
  connections.push_back(std::make_unique<SnapshotConnection>(snapshot));
  const SnapshotPlan plan = plan_snapshot(connections.front()->connection(), snapshot.database, parallelism);
  // No more connections than ranges; every one of them imports the snapshot before any reads.
  const auto readers = std::clamp<std::size_t>(plan.ranges.size(), 1, static_cast<std::size_t>(parallelism));
  while (connections.size() < readers) connections.push_back(std::make_unique<SnapshotConnection>(snapshot));
  spdlog::info("initial snapshot: {} table(s) to read at {}, in {} range(s) on {} connection(s)", plan.tables.size(),
               sdk::format_lsn(snapshot.consistent_point), plan.ranges.size(), readers);

  // Debezium's snapshot rows carry their transaction's id (txid_current(), as its snapshot asks).
  // A standby cannot assign one: there the rows carry none (absent, txId null).
  std::string xid(connections.front()
                      ->connection()
                      .execute("SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE txid_current() END")
                      .value(0, 0));
  SnapshotRun run(snapshot, consumer, plan, std::move(xid));
  {
    SnapshotReaders reading(plan, std::move(connections));
    if (!run.run(reading)) return false;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  spdlog::info("initial snapshot read: {} row(s) of {} table(s) in {:.1f}s ({:.0f} rows/s)", run.rows(),
               plan.tables.size(), seconds, per_second(run.rows(), seconds));
  return true;
}

}  // namespace popyka::source::replication
