#pragma once
#include <cstddef>
#include <deque>
#include <string_view>

namespace popyka::kafka {

// Buffers that hold message values while librdkafka sends them, taken back at their delivery
// reports and reused. librdkafka's own copy (RD_KAFKA_MSG_F_COPY) allocates and frees a block of
// the value's size every message, past malloc's per-thread cache once values pass ~1 KiB (a
// Debezium event with its schemas is several).
// Not thread-safe: lend() and give_back() are called on the pipeline thread (delivery reports
// are served by rd_kafka_poll() there).
class PayloadPool {
 public:
  // Spare buffers kept for reuse: at most this many bytes (the oldest go first), each at most
  // kMaxKeptBytes.
  static constexpr std::size_t kKeptBytes = 16u << 20;
  static constexpr std::size_t kMaxKeptBytes = 1u << 20;
  // How many of the newest spares lend() looks at for one that fits.
  static constexpr std::size_t kSparesLookedAt = 8;

  PayloadPool() = default;
  PayloadPool(const PayloadPool&) = delete;
  PayloadPool& operator=(const PayloadPool&) = delete;
  // Frees every buffer, lent ones too: destroy the pool after the producer it lent them to.
  ~PayloadPool();

  // A buffer holding `bytes`, lent until give_back(it).
  char* lend(std::string_view bytes);
  // Takes back a buffer lend() returned (null: nothing).
  void give_back(void* data) noexcept;

  std::size_t lent() const noexcept { return lent_count_; }
  std::size_t spare_bytes() const noexcept { return spare_bytes_; }

 private:
  struct Header;  // before each buffer's bytes

  // A spare that holds `size` bytes without wasting much more, or null.
  Header* take_spare(std::size_t size);
  void drop_oldest_spare() noexcept;

  std::deque<Header*> spare_;  // oldest first
  std::size_t spare_bytes_ = 0;
  Header* lent_ = nullptr;  // a list, so the destructor frees what librdkafka never reported
  std::size_t lent_count_ = 0;
};

}  // namespace popyka::kafka
