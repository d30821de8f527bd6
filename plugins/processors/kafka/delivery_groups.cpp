#include "delivery_groups.hpp"

namespace popyka::kafka {

void DeliveryGroups::expect(sdk::Ticket ticket, std::size_t messages) { groups_[ticket] = Group{messages, std::nullopt}; }

DeliveryGroups::Outcome DeliveryGroups::report(sdk::Ticket ticket, std::optional<DeliveryError> error) {
  const auto it = groups_.find(ticket);
  if (it == groups_.end()) return {true, std::move(error)};
  Group& g = it->second;
  if (error && !g.error) g.error = std::move(error);
  if (--g.pending > 0) return {false, std::nullopt};
  Outcome done{true, std::move(g.error)};
  groups_.erase(it);
  return done;
}

}  // namespace popyka::kafka
