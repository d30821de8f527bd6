#pragma once
#include <stdexcept>

namespace popyka::source {

// A problem the host cannot recover from by reconnecting (wal_level, a missing output plugin, no
// REPLICATION attribute, bad password, slot in use, bad slot name, a slot the server
// invalidated: slot/slot_invalidated.hpp): one line saying what to do.
class ReplicationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// SlotInUse, the one of these worth waiting out: source/replication/slot/slot_in_use.hpp.

}  // namespace popyka::source
