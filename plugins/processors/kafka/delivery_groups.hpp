#pragma once
#include <optional>
#include <string>
#include <unordered_map>

#include <popyka/sdk/host.hpp>

namespace popyka::kafka {

// Why a message was not delivered, and whether sending it again could change that.
struct DeliveryError {
  std::string text;
  bool permanent = false;  // e.g. larger than Kafka accepts: reported with sdk::fail_permanently()
};

// A change that becomes several Kafka messages (a Debezium delete and its tombstone) is
// delivered when every one of them is: the messages share the change's ticket, and the
// host hears once, after the last report, with the first error (and its permanence) if any failed.
class DeliveryGroups {
 public:
  struct Outcome {
    bool complete = false;      // every message of the ticket is reported (or was never sent)
    std::optional<DeliveryError> error;
  };

  // `ticket` goes out as `messages` messages (more than one).
  void expect(sdk::Ticket ticket, std::size_t messages);
  // Whether `ticket` is one of the groups (a lone message is not).
  bool contains(sdk::Ticket ticket) const { return !groups_.empty() && groups_.contains(ticket); }
  // One message of the group reported (`error` when it failed), or was never sent.
  Outcome report(sdk::Ticket ticket, std::optional<DeliveryError> error);

 private:
  struct Group {
    std::size_t pending = 0;
    std::optional<DeliveryError> error;
  };
  std::unordered_map<sdk::Ticket, Group> groups_;
};

}  // namespace popyka::kafka
