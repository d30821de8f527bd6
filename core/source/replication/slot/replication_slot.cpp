#include "source/replication/slot/replication_slot.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <thread>

#include "config/slot_name.hpp"
#include "source/replication/output_plugin/output_plugin.hpp"

namespace popyka::source::replication {
namespace {

// A slot freed a moment ago (its previous user just exited or was killed) can still show its old
// walsender for a short while: wait this long before calling it in use.
constexpr auto in_use_grace = std::chrono::seconds(5);
constexpr auto in_use_recheck = std::chrono::milliseconds(250);

}  // namespace

void validate_slot_name(std::string_view name) {
  if (!config::is_valid_slot_name(name)) {
    throw ReplicationError(
        fmt::format("invalid replication slot name \"{}\": use {} (database.slot_name)", name, config::slot_name_rule));
  }
}

struct ReplicationSlot::Row {
  std::string plugin;
  std::string slot_type;
  std::string database;
  bool in_this_database = false;
  int active_pid = 0;  // 0 when no walsender holds it
  sdk::Lsn confirmed_flush = 0;
  // Why the server invalidated the slot (SlotInvalidated::Cause's words); empty while it is valid.
  std::string invalidation;
  bool failover = false;  // synced to standbys (PostgreSQL 17+)
};

namespace {

// The server's words for why a slot was invalidated, in SlotInvalidated::Cause's names: each
// major tells it in other columns. wal_status = 'lost' says "invalidated" for any cause on
// 16+; 17 names the cause (invalidation_reason). 16's `conflicting` is true for every
// invalidated logical slot, but only a slot past max_slot_wal_keep_size loses its restart_lsn.
std::string_view invalidation_column(int server_version) {
  if (server_version >= 170000) return "coalesce(invalidation_reason, '')";
  if (server_version >= 160000) {
    return "CASE WHEN wal_status IS DISTINCT FROM 'lost' THEN '' "
           "WHEN coalesce(conflicting, false) AND restart_lsn IS NOT NULL THEN 'conflict' ELSE 'wal_removed' END";
  }
  if (server_version >= 130000) return "CASE WHEN wal_status = 'lost' THEN 'wal_removed' ELSE '' END";
  return "''";
}

}  // namespace

ReplicationSlot::ReplicationSlot(ReplicationConnection& connection, std::string slot_name, std::string_view plugin,
                                 bool failover)
    : connection_(connection), slot_name_(std::move(slot_name)), plugin_(plugin), failover_(failover) {
  validate_slot_name(slot_name_);
}

std::string ReplicationSlot::plugin_in_use() {
  Row row;
  return lookup(row) ? row.plugin : std::string();
}

bool ReplicationSlot::lookup(Row& row) {
  auto result = connection_.execute(fmt::format(
      "SELECT coalesce(plugin, ''), slot_type, coalesce(database::text, ''), "
      "coalesce(database = current_database(), false), coalesce(active_pid, 0), "
      // as a decimal number: no LSN text parser needed here
      "(coalesce(confirmed_flush_lsn, '0/0') - '0/0')::text, {}, {} "
      "FROM pg_replication_slots WHERE slot_name = '{}'",
      invalidation_column(PQserverVersion(connection_.native())),
      PQserverVersion(connection_.native()) >= 170000 ? "failover" : "false", slot_name_));
  if (result.rows() == 0) return false;
  row.plugin = result.value(0, 0);
  row.slot_type = result.value(0, 1);
  row.database = result.value(0, 2);
  row.in_this_database = result.value(0, 3) == "t";
  row.active_pid = std::stoi(std::string(result.value(0, 4)));
  row.confirmed_flush = std::stoull(std::string(result.value(0, 5)));
  row.invalidation = result.value(0, 6);
  row.failover = result.value(0, 7) == "t";
  return true;
}

void ReplicationSlot::check_valid() {
  Row row;
  if (lookup(row) && !row.invalidation.empty()) {
    throw SlotInvalidated(slot_name_, row.confirmed_flush, SlotInvalidated::cause_named(row.invalidation),
                          PQserverVersion(connection_.native()));
  }
}

void ReplicationSlot::wait_until_free(Row& row) {
  const auto give_up = std::chrono::steady_clock::now() + in_use_grace;
  while (row.active_pid != 0 && row.active_pid != connection_.backend_pid() &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(in_use_recheck);
    if (!lookup(row)) return;
  }
  if (row.active_pid != 0 && row.active_pid != connection_.backend_pid()) {
    throw slot_in_use(connection_, slot_name_, row.active_pid);
  }
}

ReplicationSlot::Prepared ReplicationSlot::prepare(bool may_create, bool initial_snapshot, bool incremental_snapshot) {
  Row row;
  bool incremental_pending = false;
  if (marker_exists()) {
    if (incremental_snapshot) {
      spdlog::warn("replication slot \"{}\" was created by a run that stopped before it requested its incremental "
                   "snapshot (marker slot \"{}\"): requesting it now",
                   slot_name_, snapshot_marker_name(slot_name_));
      incremental_pending = true;
    } else if (initial_snapshot) {
      spdlog::warn("the initial snapshot of replication slot \"{}\" did not finish in an earlier run (marker slot "
                   "\"{}\"): dropping the slot and starting the snapshot over; consumers may see some R rows twice",
                   slot_name_, snapshot_marker_name(slot_name_));
      if (lookup(row)) {
        wait_until_free(row);
        connection_.execute(fmt::format("DROP_REPLICATION_SLOT {}", slot_name_));
      }
      may_create = true;
    } else {
      spdlog::warn("the initial snapshot of replication slot \"{}\" did not finish in an earlier run; with "
                   "database.snapshot: never the slot is used as it is (dropping marker slot \"{}\")",
                   slot_name_, snapshot_marker_name(slot_name_));
      drop_marker();
    }
  }
  bool created = false;
  if (!lookup(row)) {
    if (may_create && initial_snapshot) return create_exporting_snapshot();
    if (!may_create && failover_) {
      throw ReplicationError(fmt::format(
          "replication slot \"{0}\" does not exist on the server popyka reconnected to ({1}:{2}), a promoted "
          "standby after a failover? It was not synced there in time (its pg_replication_slots lacked \"{0}\" "
          "with synced = true; check sync_replication_slots, hot_standby_feedback and primary_slot_name on the "
          "standbys, and synchronized_standby_slots on the primary), so the changes since popyka's last confirmed "
          "position are lost to it. To start over from now, start popyka-host again: it creates the slot (with "
          "database.snapshot: initial it resends the rows)",
          slot_name_, PQhost(connection_.native()), PQport(connection_.native())));
    }
    if (!may_create) {
      throw ReplicationError(fmt::format(
          "replication slot \"{}\" disappeared while popyka was disconnected; changes made meanwhile "
          "are lost to it. Restart popyka to create it again",
          slot_name_));
    }
    if (incremental_snapshot) {
      create_marker();
      incremental_pending = true;
    }
    create();
    created = true;
    if (!lookup(row)) throw ConnectionLost(fmt::format("replication slot \"{}\" vanished after creation", slot_name_));
  }
  if (row.slot_type != "logical" || row.plugin != plugin_) {
    throw ReplicationError(fmt::format(
        "replication slot \"{}\" exists but uses {} (not {}): drop it or choose another slot_name{}",
        slot_name_, row.slot_type == "logical" ? "output plugin " + row.plugin : "physical replication", plugin_,
        (row.plugin == wal2json_plugin || row.plugin == pgoutput_plugin)
            ? fmt::format(" (or set database.output_plugin: {})", row.plugin)
            : ""));
  }
  if (!row.in_this_database) {
    throw ReplicationError(fmt::format(
        "replication slot \"{}\" belongs to database \"{}\", not the one in connect_url", slot_name_,
        row.database));
  }
  wait_until_free(row);
  if (!created) {
    spdlog::info("using existing replication slot \"{}\" (confirmed up to {})", slot_name_,
                 sdk::format_lsn(row.confirmed_flush));
    if (failover_ && !row.failover) {
      spdlog::warn("replication slot \"{0}\" is no failover slot, so no standby has it after a failover "
                   "(database.failover: true creates new slots with it): run ALTER_REPLICATION_SLOT {0} (FAILOVER "
                   "true) on a replication connection (psql \"dbname=<database> replication=database\"), or drop it "
                   "and let popyka-host create it",
                   slot_name_);
    }
  }
  return Prepared{created, row.confirmed_flush, {}, incremental_pending};  // no snapshot exported on this path
}

void ReplicationSlot::create() {
  try {
    // No snapshot exported: popyka streams changes only, it never reads the snapshot.
    auto result = connection_.execute(
        fmt::format("CREATE_REPLICATION_SLOT {} LOGICAL {} {}", slot_name_, plugin_, creation_options("nothing")));
    spdlog::info("created replication slot \"{}\" with {} at {}", slot_name_, plugin_, result.value(0, 1));
  } catch (const ServerError& e) {
    rethrow_plugin_failure(e, plugin_);
    if (e.sqlstate() == "42710") return;  // duplicate_object: someone created it just now
    throw ReplicationError(fmt::format("cannot create replication slot \"{}\": {}", slot_name_, e.what()));
  }
}

ReplicationSlot::Prepared ReplicationSlot::create_exporting_snapshot() {
  // The marker first: a crash at any point from here until snapshot_finished() leaves it behind.
  create_marker();
  try {
    auto result = connection_.execute(
        fmt::format("CREATE_REPLICATION_SLOT {} LOGICAL {} {}", slot_name_, plugin_, creation_options("export")));
    // slot_name, consistent_point, snapshot_name, output_plugin. No command may follow on this
    // connection until the snapshot is imported: it would end the exported snapshot.
    const std::string_view point = result.value(0, 1);
    const auto slash = point.find('/');
    std::uint32_t high = 0, low = 0;
    if (slash == std::string_view::npos ||
        std::from_chars(point.data(), point.data() + slash, high, 16).ec != std::errc{} ||
        std::from_chars(point.data() + slash + 1, point.data() + point.size(), low, 16).ec != std::errc{}) {
      throw ReplicationError(fmt::format("unexpected consistent point \"{}\" from CREATE_REPLICATION_SLOT", point));
    }
    Prepared prepared{true, (static_cast<sdk::Lsn>(high) << 32) | low, std::string(result.value(0, 2))};
    spdlog::info("created replication slot \"{}\" with {} at {}, exported snapshot {}", slot_name_, plugin_,
                 point, prepared.exported_snapshot);
    return prepared;
  } catch (const ServerError& e) {
    rethrow_plugin_failure(e, plugin_);
    throw ReplicationError(fmt::format("cannot create replication slot \"{}\": {}", slot_name_, e.what()));
  }
}

std::string ReplicationSlot::creation_options(std::string_view snapshot) const {
  // The list form came with PostgreSQL 15 and FAILOVER with 17 (the session checked it).
  if (failover_) return fmt::format("(SNAPSHOT '{}', FAILOVER)", snapshot);
  // The old spelling works on every PostgreSQL from 10 on.
  return snapshot == "export" ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT";
}

void ReplicationSlot::snapshot_finished() { drop_marker(); }

void ReplicationSlot::abandon_snapshot() {
  connection_.execute(fmt::format("DROP_REPLICATION_SLOT {}", slot_name_));
  spdlog::info("dropped replication slot \"{}\": its initial snapshot did not finish; the next run creates it and "
               "snapshots again", slot_name_);
}

void ReplicationSlot::create_marker() {
  const std::string marker = snapshot_marker_name(slot_name_);
  try {
    connection_.execute(fmt::format("SELECT pg_create_physical_replication_slot('{}')", marker));
  } catch (const ServerError& e) {
    if (e.sqlstate() != "42710") {  // duplicate_object: left by an earlier run, fine
      throw ReplicationError(fmt::format("cannot create the marker slot \"{}\" of the snapshot: {}", marker, e.what()));
    }
  }
}

bool ReplicationSlot::marker_exists() {
  return connection_
             .execute(fmt::format("SELECT 1 FROM pg_replication_slots WHERE slot_name = '{}'",
                                  snapshot_marker_name(slot_name_)))
             .rows() > 0;
}

void ReplicationSlot::drop_marker() {
  try {
    connection_.execute(fmt::format("SELECT pg_drop_replication_slot('{}')", snapshot_marker_name(slot_name_)));
  } catch (const ServerError& e) {
    if (e.sqlstate() != "42704") throw;  // undefined_object: already gone
  }
}

std::string ReplicationSlot::snapshot_marker_name(std::string_view slot_name) {
  constexpr std::string_view suffix = "_snapshot_pending";
  if (slot_name.size() + suffix.size() <= 63) return fmt::format("{}{}", slot_name, suffix);
  std::uint32_t hash = 2166136261u;  // FNV-1a: slot names that share a long prefix get other markers
  for (char c : slot_name) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  const auto keep = 63 - suffix.size() - 9;
  return fmt::format("{}_{:08x}{}", slot_name.substr(0, keep), hash, suffix);
}

void ReplicationSlot::drop() {
  Row row;
  if (!lookup(row)) {
    if (marker_exists()) {  // a stop during the initial snapshot dropped the slot itself already
      drop_marker();
      spdlog::info("dropped marker slot \"{}\" of an unfinished initial snapshot", snapshot_marker_name(slot_name_));
      return;
    }
    throw ReplicationError(fmt::format("replication slot \"{}\" does not exist", slot_name_));
  }
  wait_until_free(row);
  try {
    connection_.execute(fmt::format("DROP_REPLICATION_SLOT {}", slot_name_));
  } catch (const ServerError& e) {
    throw ReplicationError(fmt::format("cannot drop replication slot \"{}\": {}", slot_name_, e.what()));
  }
  drop_marker();  // an unfinished snapshot's, if any
  spdlog::info("dropped replication slot \"{}\"", slot_name_);
}

}  // namespace popyka::source::replication
