#pragma once
#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <popyka/sdk/host.hpp>

namespace popyka::test {

// An sdk::Host that hands out tickets and records what the processor reported (whether for good,
// through sdk::PermanentFailures) and logged.
class RecordingHost final : public sdk::Host, public sdk::PermanentFailures {
 public:
  // Locked: a plugin may log from any thread (the Kafka one logs from poll(), but need not).
  void log(sdk::LogLevel level, std::string_view message) noexcept override {
    if (!log_enabled(level)) return;
    std::clog << "[processor] " << message << "\n";
    std::lock_guard lock(log_mutex_);
    logged_.emplace_back(level, std::string(message));
  }
  std::vector<std::pair<sdk::LogLevel, std::string>> logged() const {
    std::lock_guard lock(log_mutex_);
    return logged_;
  }
  bool log_enabled(sdk::LogLevel level) const noexcept override { return level >= lowest_level_; }
  // Warnings and errors by default; a test that waits for a debug line lowers it.
  void record_from(sdk::LogLevel lowest) noexcept { lowest_level_ = lowest; }
  bool logged_containing(std::string_view text) const {
    std::lock_guard lock(log_mutex_);
    return std::any_of(logged_.begin(), logged_.end(),
                       [&](const auto& entry) { return entry.second.find(text) != std::string::npos; });
  }

  sdk::Ticket defer() noexcept override { return next_ticket_++; }
  void delivered(sdk::Ticket ticket) noexcept override { delivered_.push_back(ticket); }
  void failed(sdk::Ticket ticket, std::string_view error) noexcept override {
    failed_.emplace_back(ticket, std::string(error));
  }
  void failed_permanently(sdk::Ticket ticket, std::string_view error) noexcept override {
    failed(ticket, error);
    permanent_.push_back(ticket);
  }

  bool check_only() const noexcept override { return check_only_; }
  void set_check_only(bool on) noexcept { check_only_ = on; }

  std::size_t deferred() const noexcept { return next_ticket_ - kFirstTicket; }
  std::size_t reported() const noexcept { return delivered_.size() + failed_.size(); }
  const std::vector<sdk::Ticket>& delivered_tickets() const noexcept { return delivered_; }
  const std::vector<std::pair<sdk::Ticket, std::string>>& failures() const noexcept { return failed_; }
  bool failed_for_good(sdk::Ticket ticket) const noexcept { return std::find(permanent_.begin(), permanent_.end(), ticket) != permanent_.end(); }

 private:
  static constexpr sdk::Ticket kFirstTicket = 1;
  bool check_only_ = false;
  std::atomic<sdk::LogLevel> lowest_level_{sdk::LogLevel::Warning};
  sdk::Ticket next_ticket_ = kFirstTicket;
  std::vector<sdk::Ticket> delivered_;
  std::vector<std::pair<sdk::Ticket, std::string>> failed_;
  std::vector<sdk::Ticket> permanent_;
  mutable std::mutex log_mutex_;
  std::vector<std::pair<sdk::LogLevel, std::string>> logged_;
};

}  // namespace popyka::test
