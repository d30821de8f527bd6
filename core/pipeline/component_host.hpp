#pragma once
#include <functional>
#include <string>

#include "popyka/sdk/host.hpp"

namespace popyka::pipeline {

// The sdk::Host one component sees: log lines prefixed with its class name; defer() goes to
// the pipeline, which knows which processor and change it is about.
class ComponentHost final : public sdk::Host, public sdk::PermanentFailures {
 public:
  struct Deliveries {
    std::function<sdk::Ticket()> defer;
    std::function<void(sdk::Ticket)> delivered;
    std::function<void(sdk::Ticket, std::string_view, bool permanent)> failed;
  };

  ComponentHost(std::string class_name, Deliveries deliveries, bool check_only)
      : class_name_(std::move(class_name)), deliveries_(std::move(deliveries)), check_only_(check_only) {}

  void log(sdk::LogLevel level, std::string_view message) noexcept override;
  bool log_enabled(sdk::LogLevel level) const noexcept override;
  sdk::Ticket defer() noexcept override { return deliveries_.defer(); }
  void delivered(sdk::Ticket ticket) noexcept override { deliveries_.delivered(ticket); }
  void failed(sdk::Ticket ticket, std::string_view error) noexcept override { deliveries_.failed(ticket, error, false); }
  void failed_permanently(sdk::Ticket ticket, std::string_view error) noexcept override { deliveries_.failed(ticket, error, true); }
  bool check_only() const noexcept override { return check_only_; }

 private:
  std::string class_name_;
  Deliveries deliveries_;
  bool check_only_;
};

}  // namespace popyka::pipeline
