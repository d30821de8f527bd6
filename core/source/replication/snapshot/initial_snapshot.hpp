#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/pipeline_config.hpp"
#include "popyka/sdk/change.hpp"
#include "source/change_consumer.hpp"
#include "source/replication/transport/replication_connection.hpp"

namespace popyka::source::replication {

// The walsender's settings that change how values print (DateStyle, TimeZone,
// extra_float_digits...). wal2json runs inside the walsender, so the snapshot's connection takes
// the same ones and its rows print exactly like the stream's. Asked before the slot is created.
using OutputSettings = std::vector<std::pair<std::string, std::string>>;
OutputSettings read_output_settings(ReplicationConnection& walsender);

struct InitialSnapshot {
  const config::DatabaseSpec& database;
  std::string exported_snapshot;  // from CREATE_REPLICATION_SLOT ... EXPORT_SNAPSHOT
  sdk::Lsn consistent_point;      // the LSN every R row carries
  OutputSettings settings;
};

// On an ordinary connection, inside the exported snapshot (REPEATABLE READ + SET TRANSACTION
// SNAPSHOT), reads every user table (or database.snapshot_tables) through a cursor, FETCH by
// FETCH, and hands each row to `consumer` as a wal2json-shaped message
// {"action":"R","schema":..,"table":..,"columns":[..],"pk":[..]} at `consistent_point`. Logs
// progress per table. Returns true when every table was read, false when a stop was requested.
// Throws ConnectionLost, ReplicationError (a listed table missing), what the consumer throws.
bool read_initial_snapshot(const InitialSnapshot& snapshot, ChangeConsumer& consumer);

}  // namespace popyka::source::replication
