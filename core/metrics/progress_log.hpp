#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace popyka::metrics {

// One table's line while a snapshot reads it: `initial snapshot of public.t: 120000 of ~500000
// row(s) (24%), 40000 rows/s, ETA 9s` (`kind`: initial or incremental). `estimated` < 0: never
// analyzed (no ETA).
std::string snapshot_progress_line(std::string_view table, std::uint64_t rows, std::int64_t estimated,
                                   double rows_per_s, std::string_view kind = "initial");

class SlotProbe;
class SnapshotProgress;

// Logs one line every `interval`, from the registry's counters (so the pipeline thread does no
// formatting for it): while streaming, changes/s received, the confirmed LSN and the lag; while
// a snapshot runs (initial or incremental), a snapshot_progress_line() per table being read. Given the slot's
// probe, asks it about the slot as often, streaming or not, so that a slot about to lose its WAL
// is warned about (by the probe) even when nobody scrapes /metrics.
class ProgressLog {
 public:
  explicit ProgressLog(std::chrono::seconds interval, SlotProbe* slot = nullptr);
  ~ProgressLog();
  ProgressLog(const ProgressLog&) = delete;
  ProgressLog& operator=(const ProgressLog&) = delete;

 private:
  void run(std::chrono::seconds interval);
  // `rows`: per table, at the last line.
  static void log_snapshot(const SnapshotProgress& progress, std::string_view kind, double seconds,
                           std::map<std::string, std::uint64_t>& rows);

  std::map<std::string, std::uint64_t> snapshot_rows_, incremental_rows_;

  SlotProbe* slot_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace popyka::metrics
