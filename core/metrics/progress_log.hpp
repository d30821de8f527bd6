#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace popyka::metrics {

class SlotProbe;

// While streaming, logs one line every `interval`: changes/s received, the confirmed LSN and
// the lag, from the registry's counters (so the pipeline thread does no formatting for it).
// Given the slot's probe, asks it about the slot as often, streaming or not, so that a slot
// about to lose its WAL is warned about (by the probe) even when nobody scrapes /metrics.
class ProgressLog {
 public:
  explicit ProgressLog(std::chrono::seconds interval, SlotProbe* slot = nullptr);
  ~ProgressLog();
  ProgressLog(const ProgressLog&) = delete;
  ProgressLog& operator=(const ProgressLog&) = delete;

 private:
  void run(std::chrono::seconds interval);

  SlotProbe* slot_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace popyka::metrics
