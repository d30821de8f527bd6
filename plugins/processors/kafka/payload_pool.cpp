#include "payload_pool.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace popyka::kafka {

struct alignas(std::max_align_t) PayloadPool::Header {
  std::size_t capacity;
  Header* previous;  // in the lent list
  Header* next;

  char* data() { return reinterpret_cast<char*>(this + 1); }
  static Header* of(void* data) { return static_cast<Header*>(data) - 1; }
};

namespace {

template <typename Header>
Header* allocate(std::size_t capacity) {
  auto* header = static_cast<Header*>(std::malloc(sizeof(Header) + capacity));
  if (header == nullptr) throw std::bad_alloc();
  *header = Header{capacity, nullptr, nullptr};
  return header;
}

}  // namespace

PayloadPool::~PayloadPool() {
  for (Header* spare : spare_) std::free(spare);
  while (lent_ != nullptr) std::free(std::exchange(lent_, lent_->next));
}

PayloadPool::Header* PayloadPool::take_spare(std::size_t size) {
  const std::size_t looked_at = std::min(spare_.size(), kSparesLookedAt);
  for (std::size_t i = 1; i <= looked_at; ++i) {
    const auto spare = spare_.end() - static_cast<std::ptrdiff_t>(i);
    Header* header = *spare;
    // Not far larger either: a buffer stays lent while librdkafka queues its message, and a
    // queue of small messages in large buffers would hold far more memory than its messages.
    if (header->capacity >= size && header->capacity <= 2 * size + 256) {
      spare_.erase(spare);
      spare_bytes_ -= header->capacity;
      return header;
    }
  }
  return nullptr;
}

char* PayloadPool::lend(std::string_view bytes) {
  Header* header = take_spare(bytes.size());
  // An eighth more, so a buffer fits the next messages of about the same size: rows of one
  // table differ by a few bytes (AsyncDeliveries' copies do the same).
  if (header == nullptr) header = allocate<Header>(bytes.size() + bytes.size() / 8 + 64);
  if (!bytes.empty()) std::memcpy(header->data(), bytes.data(), bytes.size());
  header->previous = nullptr;
  header->next = lent_;
  if (lent_ != nullptr) lent_->previous = header;
  lent_ = header;
  ++lent_count_;
  return header->data();
}

void PayloadPool::drop_oldest_spare() noexcept {
  spare_bytes_ -= spare_.front()->capacity;
  std::free(spare_.front());
  spare_.pop_front();
}

void PayloadPool::give_back(void* data) noexcept {
  if (data == nullptr) return;
  Header* header = Header::of(data);
  (header->previous != nullptr ? header->previous->next : lent_) = header->next;
  if (header->next != nullptr) header->next->previous = header->previous;
  --lent_count_;
  if (header->capacity > kMaxKeptBytes) return std::free(header);
  // The oldest spares go first: after a change of workload they are the ones that no longer fit.
  while (spare_bytes_ + header->capacity > kKeptBytes) drop_oldest_spare();
  spare_bytes_ += header->capacity;
  spare_.push_back(header);
}

}  // namespace popyka::kafka
