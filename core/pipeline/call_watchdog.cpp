#include "pipeline/call_watchdog.hpp"

#include <fmt/format.h>

namespace popyka::pipeline {

CallWatchdog::CallWatchdog(Overrun on_overrun, std::chrono::milliseconds tick)
    : on_overrun_(std::move(on_overrun)), tick_(tick), thread_([this] { watch(); }) {}

CallWatchdog::~CallWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_one();
  thread_.join();
}

void CallWatchdog::begin(const Call& call) noexcept {
  // Seqlock writer: running_ went to 0 at the previous end(); this fence keeps the stores below
  // from being seen before it, so a reader that still finds the old number has the old call.
  std::atomic_thread_fence(std::memory_order_release);
  path_.store(call.path, std::memory_order_relaxed);
  class_name_.store(call.class_name, std::memory_order_relaxed);
  function_.store(call.function, std::memory_order_relaxed);
  lsn_.store(call.lsn, std::memory_order_relaxed);
  limit_ms_.store(call.limit.count(), std::memory_order_relaxed);
  running_.store(++calls_, std::memory_order_release);
}

std::optional<CallWatchdog::Call> CallWatchdog::still_running(std::uint64_t number) const {
  Call call{path_.load(std::memory_order_relaxed), class_name_.load(std::memory_order_relaxed),
            function_.load(std::memory_order_relaxed), lsn_.load(std::memory_order_relaxed),
            std::chrono::milliseconds(limit_ms_.load(std::memory_order_relaxed))};
  std::atomic_thread_fence(std::memory_order_acquire);
  if (running_.load(std::memory_order_relaxed) != number) return std::nullopt;
  return call;
}

void CallWatchdog::watch() {
  using Clock = std::chrono::steady_clock;
  // The clock starts when the watchdog first sees a call, so a call is reported between its
  // limit and its limit plus one tick after it began.
  std::uint64_t seen = 0, reported = 0;
  Clock::time_point seen_at{};
  std::unique_lock lock(mutex_);
  while (!stop_requested_.wait_for(lock, tick_, [this] { return stopping_; })) {
    const std::uint64_t number = running_.load(std::memory_order_acquire);
    if (number == 0 || number == reported) continue;
    if (number != seen) {
      seen = number;
      seen_at = Clock::now();
      continue;
    }
    const std::optional<Call> call = still_running(number);
    if (!call || call->limit.count() <= 0 || Clock::now() - seen_at < call->limit) continue;
    reported = number;
    const std::string at_lsn = call->lsn != 0 ? " on the change at LSN " + sdk::format_lsn(call->lsn) : "";
    on_overrun_(fmt::format("{} ({}) has been in {} for more than {:g} s{}", *call->path, *call->class_name, call->function,
                            static_cast<double>(call->limit.count()) / 1000.0, at_lsn));
  }
}

}  // namespace popyka::pipeline
