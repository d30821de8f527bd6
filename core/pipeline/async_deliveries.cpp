#include "pipeline/async_deliveries.hpp"

#include <spdlog/spdlog.h>

namespace popyka::pipeline {

sdk::Ticket AsyncDeliveries::defer(PendingDelivery delivery) {
  progress_.hold(delivery.sequence);
  slots_.push_back(Slot{std::move(delivery), true});
  return first_ticket_ + slots_.size() - 1;
}

std::string AsyncDeliveries::copy_of(std::string_view json) {
  std::string buffer;
  if (!spare_buffers_.empty()) {
    buffer = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
    spare_bytes_ -= buffer.capacity();
  }
  // An eighth more, so a buffer fits the next messages of about the same size: rows of one
  // table differ by a few bytes, and growing by exactly that would allocate every time.
  // (Not a power of two: a 600-byte row would ask for 1 KiB, past glibc's per-thread cache.)
  if (buffer.capacity() < json.size()) buffer.reserve(json.size() + json.size() / 8 + 64);
  buffer.assign(json);
  return buffer;
}

AsyncDeliveries::Slot* AsyncDeliveries::open_slot(sdk::Ticket ticket) {
  if (ticket < first_ticket_ || ticket >= first_ticket_ + slots_.size() || !slots_[ticket - first_ticket_].open) {
    spdlog::error("a processor reported ticket {} which is not pending (reported twice, or never deferred); ignored", ticket);
    return nullptr;
  }
  return &slots_[ticket - first_ticket_];
}

void AsyncDeliveries::close(Slot& slot) {
  slot.open = false;
  while (!slots_.empty() && !slots_.front().open) {
    std::string& json = slots_.front().delivery.json;
    // A failed delivery's message was moved to its FailedDelivery, and a short one lives in the
    // string itself: only a heap buffer is worth keeping.
    const bool worth_keeping = json.capacity() > std::string().capacity() && json.capacity() <= kept_buffer_bytes;
    if (worth_keeping && spare_bytes_ + json.capacity() <= kept_bytes) {
      spare_bytes_ += json.capacity();
      spare_buffers_.push_back(std::move(json));
    }
    slots_.pop_front();
    ++first_ticket_;
  }
}

void AsyncDeliveries::delivered(sdk::Ticket ticket) {
  Slot* slot = open_slot(ticket);
  if (slot == nullptr) return;
  const auto sequence = slot->delivery.sequence;
  close(*slot);
  progress_.release(sequence);
}

void AsyncDeliveries::failed(sdk::Ticket ticket, std::string error, bool permanent) {
  Slot* slot = open_slot(ticket);
  if (slot == nullptr) return;
  failures_.push_back(FailedDelivery{std::move(slot->delivery), std::move(error), permanent});
  close(*slot);
}

}  // namespace popyka::pipeline
