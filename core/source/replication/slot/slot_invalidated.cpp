#include "source/replication/slot/slot_invalidated.hpp"

#include <fmt/format.h>

namespace popyka::source::replication {
namespace {

using Cause = SlotInvalidated::Cause;

constexpr std::string_view conflict_fix =
    "keep it from coming back with hot_standby_feedback = on on the standby and a physical replication slot on "
    "the primary (primary_slot_name)";

// "<column> = <value>: <what it means>", as the server says it on this major.
std::string evidence(Cause cause, int server_version) {
  switch (cause) {
    case Cause::wal_removed:
      return fmt::format("{}: it was more than max_slot_wal_keep_size behind and PostgreSQL removed WAL it still "
                         "needed",
                         server_version >= 170000 ? "invalidation_reason = wal_removed" : "wal_status = lost");
    case Cause::rows_removed:
      return fmt::format("invalidation_reason = rows_removed: a conflict with recovery on this standby, the primary "
                         "removed rows the slot still needed; {}",
                         conflict_fix);
    case Cause::wal_level_insufficient:
      return "invalidation_reason = wal_level_insufficient: a conflict with recovery on this standby, the primary "
             "runs with a wal_level below logical";
    case Cause::conflict:
      return fmt::format("conflicting = true, restart_lsn kept: a conflict with recovery on this standby, the "
                         "primary removed rows "
                         "the slot still needed or runs with a wal_level below logical; {}",
                         conflict_fix);
    case Cause::idle_timeout:
      return "invalidation_reason = idle_timeout: no one streamed it for longer than the server's "
             "idle_replication_slot_timeout";
    case Cause::other:
      break;
  }
  return "invalidation_reason names a cause this popyka-host does not know";
}

}  // namespace

SlotInvalidated::Cause SlotInvalidated::cause_named(std::string_view reason) {
  if (reason == "wal_removed") return Cause::wal_removed;
  if (reason == "rows_removed") return Cause::rows_removed;
  if (reason == "wal_level_insufficient") return Cause::wal_level_insufficient;
  if (reason == "conflict") return Cause::conflict;
  if (reason == "idle_timeout") return Cause::idle_timeout;
  return Cause::other;
}

SlotInvalidated::SlotInvalidated(std::string_view slot_name, sdk::Lsn confirmed, Cause cause, int server_version)
    : ReplicationError(fmt::format(
          "the server invalidated replication slot \"{}\" ({}), so the changes since its confirmed position {} "
          "cannot be streamed. To recover, drop it (SELECT pg_drop_replication_slot('{}'), or popyka-host "
          "--drop-slot) and start popyka-host again, with database.snapshot: initial to resend the rows",
          slot_name, evidence(cause, server_version), sdk::format_lsn(confirmed), slot_name)),
      cause_(cause) {}

}  // namespace popyka::source::replication
