#pragma once
#include <string>
#include <string_view>

#include "popyka/sdk/change.hpp"
#include "source/replication/replication_connection.hpp"
#include "source/replication/replication_stream.hpp"

namespace popyka::source::replication {

// The output plugin every slot popyka streams from must use.
inline constexpr std::string_view output_plugin = "wal2json";

// Another walsender holds the slot. Worth retrying after a lost connection (the server may not
// have noticed yet that the old one is gone); an error when popyka starts.
class SlotInUse : public ReplicationError {
 public:
  using ReplicationError::ReplicationError;
};

// Rethrows a failure to load the output plugin (at slot creation or START_REPLICATION) as the
// ReplicationError saying what to do: wal2json not installed, or not allowed by the server's
// output_plugin_libraries (PostgreSQL 15.19 and later); other errors are left to the caller.
void rethrow_plugin_failure(const ServerError& error);

// Throws ReplicationError unless `name` is a valid slot name (1..63 of a-z, 0-9, _), the rule
// PostgreSQL applies. Checked before any command, so the name can go into one unquoted.
void validate_slot_name(std::string_view name);

// The slot popyka streams from, looked up in pg_replication_slots on the replication connection.
class SlotManager {
 public:
  SlotManager(ReplicationConnection& connection, std::string slot_name);

  struct Prepared {
    bool created;              // false when the slot already existed (used as it is)
    sdk::Lsn confirmed_flush;  // where streaming resumes
  };

  // Makes sure the slot exists, uses wal2json, belongs to this database and is free. Creates it
  // when `may_create`. Throws ReplicationError for what the user must fix, ConnectionLost.
  Prepared prepare(bool may_create);

  // Drops the slot; ReplicationError when it does not exist or is in use.
  void drop();

 private:
  struct Row;
  bool lookup(Row& row);
  void wait_until_free(Row& row);
  void create();

  ReplicationConnection& connection_;
  std::string slot_name_;
};

}  // namespace popyka::source::replication
