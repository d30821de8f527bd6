#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace popyka::metrics {

// While streaming, logs one line every `interval`: changes/s received, the confirmed LSN and
// the lag, from the registry's counters (so the pipeline thread does no formatting for it).
class ProgressLog {
 public:
  explicit ProgressLog(std::chrono::seconds interval);
  ~ProgressLog();
  ProgressLog(const ProgressLog&) = delete;
  ProgressLog& operator=(const ProgressLog&) = delete;

 private:
  void run(std::chrono::seconds interval);

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace popyka::metrics
