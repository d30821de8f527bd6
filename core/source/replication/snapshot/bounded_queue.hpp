#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace popyka::source::replication {

// Hands items from several producer threads to one consumer, holding at most `capacity`: a
// producer waits while it is full, so memory stays bounded whatever the speeds.
template <class T>
class BoundedQueue {
 public:
  BoundedQueue(std::size_t capacity, std::size_t producers) : capacity_(capacity), producers_(producers) {}

  // Waits for room; false once the queue is closed (the item is dropped).
  bool push(T item) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    ready_.notify_one();
    return true;
  }

  // The next item, waiting up to `wait`; std::nullopt when none came, or when closed or drained().
  std::optional<T> pop(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, wait, [&] { return closed_ || !items_.empty() || producers_ == 0; });
    if (closed_ || items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    room_.notify_one();
    return item;
  }

  // A producer will push no more.
  void producer_finished() {
    std::lock_guard lock(mutex_);
    --producers_;
    ready_.notify_all();
  }

  // Every producer finished and every item was taken.
  bool drained() const {
    std::lock_guard lock(mutex_);
    return producers_ == 0 && items_.empty();
  }

  // Wakes everyone: push() and pop() give up from now on.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    room_.notify_all();
    ready_.notify_all();
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable room_, ready_;
  std::deque<T> items_;
  std::size_t producers_;
  bool closed_ = false;
};

}  // namespace popyka::source::replication
