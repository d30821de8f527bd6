#pragma once
#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "runtime/stop_signal.hpp"
#include "source/change_consumer.hpp"

namespace popyka::test {

// The prefix of the logical message that ends a test's stream (see RecordingConsumer).
inline constexpr std::string_view end_of_stream_prefix = "popyka-test-end";
inline const std::string end_of_stream_sql =
    "SELECT pg_logical_emit_message(false, '" + std::string(end_of_stream_prefix) + "', '')";

// Thrown by RecordingConsumer at the end-of-stream message: ends stream_changes() without a stop
// request (which, once made, lasts for the whole test program).
struct StreamEnded {};

struct ReceivedMessage {
  std::string json;
  sdk::Lsn lsn;
};

// Records what stream_changes() hands over. With `asynchronous`, each message stays pending
// until a later poll() call completes it, as a Kafka delivery would. Safe to read from the test's
// thread while the stream runs in another.
class RecordingConsumer : public source::ChangeConsumer {
 public:
  explicit RecordingConsumer(bool asynchronous = false) : asynchronous_(asynchronous) {}

  void consume(std::string_view json, sdk::Lsn lsn) override {
    if (json.find("\"prefix\":\"" + std::string(end_of_stream_prefix) + "\"") != std::string_view::npos) {
      throw StreamEnded{};
    }
    std::lock_guard lock(mutex_);
    received_.push_back({std::string(json), lsn});
    if (asynchronous_) {
      pending_.push_back(lsn);
    } else {
      done_ = std::max(done_, lsn);
    }
  }

  void poll(std::chrono::milliseconds wait) override {
    std::this_thread::sleep_for(std::min(wait, std::chrono::milliseconds(5)));
    std::lock_guard lock(mutex_);
    if (pending_.empty()) return;
    done_ = std::max(done_, pending_.front());
    pending_.pop_front();
  }

  sdk::Lsn checkpoint() override {
    std::lock_guard lock(mutex_);
    // Deliveries complete in order, so everything consumed before the highest completed LSN
    // is done too.
    return done_;
  }

  bool has_pending() const override {
    std::lock_guard lock(mutex_);
    return !pending_.empty();
  }

  std::vector<ReceivedMessage> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

  // Waits up to `limit` until `enough(received())` holds; returns whether it did.
  template <typename Predicate>
  bool wait_until(Predicate enough, std::chrono::seconds limit = std::chrono::seconds(30)) const {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (!enough(received())) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

 private:
  const bool asynchronous_;
  mutable std::mutex mutex_;
  std::vector<ReceivedMessage> received_;
  std::deque<sdk::Lsn> pending_;
  sdk::Lsn done_ = 0;
};

// Asks for a stop (as SIGTERM would) on the stream's own thread when the `stop_at`th message
// that contains `containing` arrives: a stop at an exact place, whatever the machine's speed. For
// the stop tests, each its own program (a stop request lasts until the process ends).
class StoppingConsumer : public RecordingConsumer {
 public:
  explicit StoppingConsumer(int stop_at, std::string containing = "") : stop_at_(stop_at), containing_(std::move(containing)) {}

  void consume(std::string_view json, sdk::Lsn lsn) override {
    RecordingConsumer::consume(json, lsn);
    if (json.find(containing_) != std::string_view::npos && ++count_ == stop_at_) runtime::request_stop();
  }

 private:
  const int stop_at_;
  const std::string containing_;
  int count_ = 0;
};

}  // namespace popyka::test
