#include "pipeline/async_deliveries.hpp"

#include <spdlog/spdlog.h>

namespace popyka::pipeline {

sdk::Ticket AsyncDeliveries::defer(PendingDelivery delivery) {
  progress_.hold(delivery.sequence);
  slots_.push_back(Slot{std::move(delivery), true});
  return first_ticket_ + slots_.size() - 1;
}

std::string AsyncDeliveries::copy_of(std::string_view json) {
  if (spare_buffers_.empty()) return std::string(json);
  std::string buffer = std::move(spare_buffers_.back());
  spare_buffers_.pop_back();
  spare_bytes_ -= buffer.capacity();
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
    if (json.capacity() <= kept_buffer_bytes && spare_bytes_ + json.capacity() <= kept_bytes) {
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
