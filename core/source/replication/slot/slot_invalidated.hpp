#pragma once
#include <string_view>

#include "popyka/sdk/change.hpp"
#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {

// The server invalidated the slot (pg_replication_slots.wal_status = lost): it fell more than
// max_slot_wal_keep_size behind and PostgreSQL removed WAL it still needed. It can never stream
// again, so no reconnect is tried; the message says how to start over.
class SlotInvalidated : public ReplicationError {
 public:
  // `confirmed`: the slot's confirmed_flush_lsn, the last position popyka-host finished.
  SlotInvalidated(std::string_view slot_name, sdk::Lsn confirmed);
};

}  // namespace popyka::source::replication
