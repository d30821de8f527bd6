#pragma once
// Making a replication slot fall behind its server's max_slot_wal_keep_size, for the tests of a
// slot the server invalidates. The cluster needs a small max_slot_wal_keep_size (1MB: less than
// one WAL segment, so every segment switch leaves a slot that does not follow behind).
#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>

#include "postgres_cluster.hpp"

namespace popyka::test {

// The cluster's settings for these tests.
inline const std::string small_slot_wal_keep_size = "max_slot_wal_keep_size = 1MB";

// The slot's pg_replication_slots.wal_status; empty when NULL or there is no such slot.
std::string slot_wal_status(const PostgresCluster& cluster, const std::string& slot);

// Moves the server's WAL on to new segments (a logical message, then pg_switch_wal) until the
// slot's wal_status is `wanted`: `unreserved` for a slot past max_slot_wal_keep_size, `lost`
// (a CHECKPOINT after each switch removes the WAL, which invalidates the slot). False when it
// is not so after a generous number of segments.
bool push_slot_to(const PostgresCluster& cluster, const std::string& slot, std::string_view wanted);

// A transaction left open after one write, on a connection of its own: a logical slot's
// restart_lsn cannot pass its start, so the slot falls behind however fast its consumer
// confirms. Rolled back by the destructor.
class OpenTransaction {
 public:
  explicit OpenTransaction(const PostgresCluster& cluster);

 private:
  std::unique_ptr<PGconn, void (*)(PGconn*)> connection_;
};

}  // namespace popyka::test
