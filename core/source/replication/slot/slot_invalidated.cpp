#include "source/replication/slot/slot_invalidated.hpp"

#include <fmt/format.h>

namespace popyka::source::replication {

SlotInvalidated::SlotInvalidated(std::string_view slot_name, sdk::Lsn confirmed)
    : ReplicationError(fmt::format(
          "the server invalidated replication slot \"{}\" (wal_status = lost: it was more than "
          "max_slot_wal_keep_size behind and PostgreSQL removed WAL it still needed), so the changes since its "
          "confirmed position {} cannot be streamed. To recover, drop it (SELECT pg_drop_replication_slot('{}'), "
          "or popyka-host --drop-slot) and start popyka-host again, with database.snapshot: initial to resend the rows",
          slot_name, sdk::format_lsn(confirmed), slot_name)) {}

}  // namespace popyka::source::replication
