#pragma once
#include <string>
#include <string_view>

#include "popyka/sdk/change.hpp"
#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {

// The server invalidated the slot. It can never stream again, so no reconnect is tried; the
// message names the cause the server gives and says how to start over.
class SlotInvalidated : public ReplicationError {
 public:
  // What the server says, by major: invalidation_reason on 17+ (18 adds idle_timeout);
  // on 16 `conflicting` with a restart_lsn kept for both conflicts with recovery, without
  // telling which; only wal_status = lost before (13-15: the one cause there is).
  enum class Cause {
    wal_removed,             // past max_slot_wal_keep_size: PostgreSQL removed WAL it needed
    rows_removed,            // on a standby: the primary vacuumed rows the slot needed
    wal_level_insufficient,  // on a standby: the primary's wal_level is below logical
    conflict,                // on a 16 standby: one of the two above
    idle_timeout,            // inactive past idle_replication_slot_timeout (18+)
    other,                   // a cause this popyka does not know yet
  };
  // `reason`: invalidation_reason's word, or "conflict" for 16's conflicting.
  static Cause cause_named(std::string_view reason);

  // `confirmed`: the slot's confirmed_flush_lsn, the last position popyka-host finished;
  // `server_version`: PQserverVersion(), for the column the cause was read from.
  SlotInvalidated(std::string_view slot_name, sdk::Lsn confirmed, Cause cause, int server_version);

  Cause cause() const noexcept { return cause_; }

 private:
  Cause cause_;
};

}  // namespace popyka::source::replication
