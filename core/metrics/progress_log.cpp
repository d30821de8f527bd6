#include "metrics/progress_log.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "metrics/metrics_registry.hpp"
#include "metrics/slot_probe.hpp"
#include "popyka/sdk/change.hpp"

namespace popyka::metrics {
namespace {

std::uint64_t total_received() {
  std::uint64_t total = 0;
  for (const Counter& counter : registry().received) total += counter.value();
  return total;
}

std::string duration_text(double seconds) {
  const auto s = static_cast<std::uint64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

std::string snapshot_progress_line(std::string_view table, std::uint64_t rows, std::int64_t estimated,
                                   double rows_per_s, std::string_view kind) {
  std::string line = fmt::format("{} snapshot of {}: {} of ", kind, table, rows);
  if (estimated < 0) {
    line += "an unknown number of row(s) (never analyzed)";
  } else {
    line += fmt::format("~{} row(s) ({:.0f}%)", estimated,
                        estimated > 0 ? std::min(100.0, 100.0 * static_cast<double>(rows) / estimated) : 100.0);
  }
  line += fmt::format(", {:.0f} rows/s, ETA ", rows_per_s);
  const auto left = estimated - static_cast<std::int64_t>(rows);
  if (estimated < 0 || rows_per_s <= 0) line += "unknown";
  else if (left <= 0) line += "any moment (past the estimate)";
  else line += duration_text(static_cast<double>(left) / rows_per_s);
  return line;
}

ProgressLog::ProgressLog(std::chrono::seconds interval, SlotProbe* slot)
    : slot_(slot), thread_([this, interval] { run(interval); }) {}

ProgressLog::~ProgressLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ProgressLog::run(std::chrono::seconds interval) {
  std::uint64_t last_count = total_received();
  auto last_time = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    const std::uint64_t count = total_received();
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last_time).count();
    const double rate = static_cast<double>(count - last_count) / seconds;
    last_count = count;
    last_time = now;
    if (registry().snapshot.running.value() != 0) log_snapshot(registry().snapshot, "initial", seconds, snapshot_rows_);
    if (registry().incremental_snapshot.running.value() != 0) {
      log_snapshot(registry().incremental_snapshot, "incremental", seconds, incremental_rows_);
    }
    if (slot_ != nullptr) slot_->query();
    if (registry().health().first != Health::Streaming) continue;
    const Registry& r = registry();
    spdlog::info("progress: {:.0f} changes/s, {} received in all, confirmed {}, lag {} bytes", rate, count,
                 sdk::format_lsn(static_cast<sdk::Lsn>(r.confirmed_lsn.value())),
                 std::max<std::int64_t>(0, r.server_wal_end.value() - r.confirmed_lsn.value()));
  }
}

void ProgressLog::log_snapshot(const SnapshotProgress& progress, std::string_view kind, double seconds,
                               std::map<std::string, std::uint64_t>& rows_at_last_line) {
  for (const auto& table : progress.sample()) {
    const auto rows = static_cast<std::uint64_t>(table.rows);
    std::uint64_t& last = rows_at_last_line[table.name];
    if (rows < last) last = 0;  // a snapshot that started over
    const double rate = static_cast<double>(rows - last) / seconds;
    last = rows;
    if (table.state == SnapshotTable::reading) spdlog::info("{}", snapshot_progress_line(table.name, rows, table.estimated_rows, rate, kind));
  }
}

}  // namespace popyka::metrics
