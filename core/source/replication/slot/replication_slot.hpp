#pragma once
#include <string>
#include <string_view>

#include "popyka/sdk/change.hpp"
#include "source/replication/replication_error.hpp"
#include "source/replication/transport/replication_connection.hpp"
#include "source/replication/slot/slot_in_use.hpp"
#include "source/replication/slot/slot_invalidated.hpp"

namespace popyka::source::replication {

// Throws ReplicationError unless `name` is a valid slot name (config/slot_name.hpp): the config
// checked it already; checked again before a name goes unquoted into a command.
void validate_slot_name(std::string_view name);

// The logical replication slot popyka streams from, looked up in pg_replication_slots on the
// replication connection: created, checked, waited for, dropped; and the marker slot of its
// initial snapshot. Every command naming the slot goes through here or after it.
class ReplicationSlot {
 public:
  // `plugin`: the output plugin the slot must use (and is created with); none to drop() it.
  // `failover` (database.failover, PostgreSQL 17+): created as a failover slot, and an existing
  // one without it gets a warning. Throws ReplicationError for an invalid name.
  ReplicationSlot(ReplicationConnection& connection, std::string slot_name, std::string_view plugin = {},
                  bool failover = false);

  // The output plugin of the slot as it exists now; empty when there is no such slot.
  std::string plugin_in_use();

  struct Prepared {
    bool created;              // false when the slot already existed (used as it is)
    sdk::Lsn confirmed_flush;  // where streaming resumes (for a new slot, its consistent point)
    // With `initial_snapshot`, for a slot created now: the snapshot it exported, which stays
    // valid only while this connection stays open and runs no other command. Empty otherwise.
    std::string exported_snapshot;
    // With `incremental_snapshot`: the slot was created now, or by a run that stopped before it
    // requested its snapshot (the marker says so): request it, then snapshot_finished().
    bool incremental_snapshot_pending = false;
  };

  // Makes sure the slot exists, uses the plugin, belongs to this database and is free. Creates it
  // when `may_create`. Throws ReplicationError for what the user must fix, ConnectionLost.
  //
  // With `initial_snapshot` (database.snapshot: initial) a slot is created with an exported
  // snapshot, after a marker slot that says "its initial snapshot is not finished" (see
  // snapshot_finished()). A marker found here means a previous run's snapshot was interrupted:
  // the slot is dropped and created again (whatever `may_create`), so the snapshot starts over.
  //
  // With `incremental_snapshot` (database.snapshot: incremental) the marker comes before a slot
  // created here too, and stays until the snapshot's signal is written (snapshot_finished()).
  Prepared prepare(bool may_create, bool initial_snapshot = false, bool incremental_snapshot = false);

  // Every row of the initial snapshot is done: removes the marker. Runs a command, so the
  // exported snapshot is gone afterwards.
  void snapshot_finished();
  // The initial snapshot stops unfinished (a stop request): drops the slot so it keeps no WAL;
  // the marker stays, so the next run creates the slot and snapshots again.
  void abandon_snapshot();

  // Throws SlotInvalidated, naming the cause the server gives, when it invalidated the slot
  // (PostgreSQL 13 and later). Asked after START_REPLICATION failed: its words for this differ
  // by version.
  void check_valid();

  // Drops the slot; ReplicationError when it does not exist or is in use.
  void drop();

  // The marker's name: a physical slot that reserves no WAL, `<slot_name>_snapshot_pending`
  // (the slot name shortened, with a hash, when that would pass 63 characters).
  static std::string snapshot_marker_name(std::string_view slot_name);

 private:
  struct Row;
  bool lookup(Row& row);
  void wait_until_free(Row& row);
  void create();
  Prepared create_exporting_snapshot();
  // CREATE_REPLICATION_SLOT's options after the plugin, `snapshot` being "export" or "nothing".
  std::string creation_options(std::string_view snapshot) const;
  bool marker_exists();
  void create_marker();
  void drop_marker();

  ReplicationConnection& connection_;
  std::string slot_name_;
  std::string_view plugin_;
  bool failover_;
};

}  // namespace popyka::source::replication
