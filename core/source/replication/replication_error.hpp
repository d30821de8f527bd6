#pragma once
#include <stdexcept>

namespace popyka::source {

// A problem the host cannot recover from by reconnecting (wal_level, a missing output plugin, no
// REPLICATION attribute, bad password, slot in use, bad slot name): one line saying what to do.
class ReplicationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace replication {

// Another walsender holds the slot. Worth retrying after a lost connection (the server may not
// have noticed yet that the old one is gone); an error when popyka starts.
class SlotInUse : public ReplicationError {
 public:
  using ReplicationError::ReplicationError;
};

}  // namespace replication
}  // namespace popyka::source
