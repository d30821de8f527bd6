#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/pipeline_config.hpp"
#include "metrics/metrics_registry.hpp"
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
  metrics::Registry& registry;  // each table's progress (/metrics, the progress log)
};

// Reads every user table (or database.snapshot_tables) inside the exported snapshot, on up to
// database.snapshot_parallelism ordinary connections that each import it (snapshot_connection),
// big tables split into CTID ranges (snapshot_plan), each range with COPY ... TO STDOUT;
// readers format each row into a wal2json-shaped message
// {"action":"R","schema":..,"table":..,"columns":[..],"pk":[..]} (row_format) and the calling
// thread hands them to `consumer` at `consistent_point` (snapshot_readers: bounded memory).
// Every row once, each with its sdk::ChangeDetails: the columns' NOT NULL and enum labels, its
// place in the snapshot (first, middle, last: the last batch's last row waits for the readers'
// end) and the snapshot transaction's txid_current(). Logs each table's start and end; progress in the metrics registry (the
// progress log and /metrics read it). Returns true when every table was read, false when a stop
// was requested. Throws ConnectionLost, ReplicationError (a listed table missing, a table that
// cannot be read), what the consumer throws.
bool read_initial_snapshot(const InitialSnapshot& snapshot, ChangeConsumer& consumer);

}  // namespace popyka::source::replication
