#pragma once
#include <algorithm>
#include <chrono>

namespace popyka::source::replication {

// The wait before each reconnect attempt: `initial`, doubling after every failed attempt up to
// `cap`; back to `initial` once streaming works again.
class ReconnectBackoff {
 public:
  using Seconds = std::chrono::duration<double>;

  ReconnectBackoff(Seconds initial, Seconds cap) : initial_(initial), cap_(std::max(initial, cap)), next_(initial) {}

  Seconds next_wait() {
    Seconds wait = next_;
    next_ = std::min(next_ * 2, cap_);
    return wait;
  }
  void reset() { next_ = initial_; }

 private:
  Seconds initial_;
  Seconds cap_;
  Seconds next_;
};

}  // namespace popyka::source::replication
