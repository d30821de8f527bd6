#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "popyka/sdk/change.hpp"

namespace popyka::pipeline {

// Bounds how long one call into a plugin may take. The pipeline thread marks where each call
// starts and ends (a few relaxed atomic stores, no clock read, so the hot path stays cheap); a
// thread of the watchdog's own looks every `tick` and, once a call has run longer than its limit,
// reports it, once, through `on_overrun`. A blocked call cannot be cancelled in C++, so what
// the report does (in popyka-host: end the process) is the owner's choice.
class CallWatchdog {
 public:
  // One call. The strings must outlive the watchdog (they are a stage's path and class name).
  struct Call {
    const std::string* path;        // `processors[1]`
    const std::string* class_name;  // `popyka.processors.ProduceToKafkaProcessor`
    const char* function;           // `process()`
    sdk::Lsn lsn;                   // the change's, or 0
    std::chrono::milliseconds limit;  // 0: no bound
  };
  using Overrun = std::function<void(const std::string& description)>;

  explicit CallWatchdog(Overrun on_overrun, std::chrono::milliseconds tick = std::chrono::milliseconds(100));
  ~CallWatchdog();
  CallWatchdog(const CallWatchdog&) = delete;
  CallWatchdog& operator=(const CallWatchdog&) = delete;

  void begin(const Call& call) noexcept;
  void end() noexcept { running_.store(0, std::memory_order_release); }

 private:
  void watch();
  // The call numbered `number` if it is still the one running (a seqlock read).
  std::optional<Call> still_running(std::uint64_t number) const;

  Overrun on_overrun_;
  std::chrono::milliseconds tick_;
  std::uint64_t calls_ = 0;                  // pipeline thread only
  std::atomic<std::uint64_t> running_{0};    // the running call's number; 0: none
  std::atomic<const std::string*> path_{nullptr};
  std::atomic<const std::string*> class_name_{nullptr};
  std::atomic<const char*> function_{nullptr};
  std::atomic<sdk::Lsn> lsn_{0};
  std::atomic<std::int64_t> limit_ms_{0};
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace popyka::pipeline
