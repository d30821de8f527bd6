#pragma once
#include "config/pipeline_config.hpp"
#include "metrics/metrics_registry.hpp"
#include "source/change_consumer.hpp"
#include "source/replication/replication_error.hpp"

namespace popyka::source {

// Streams the slot's changes into `consumer` as wal2json v2 messages until
// runtime::stop_requested(), through the configured output plugin (database.output_plugin:
// wal2json, or pgoutput decoded into the same messages): creates the slot when missing, starts
// from its confirmed position, confirms consumer.checkpoint(), reconnects with back-off when the
// connection is lost. On stop it flushes, confirms what is done and returns. Throws
// ReplicationError (SlotInvalidated for a slot the server invalidated, at once), or what the
// consumer throws (PipelineAbort); the health is `failed` with its message then. Health,
// reconnects, the server's and the confirmed position, the snapshot's progress and the spool go
// to `registry` (what /metrics and the progress log read).
void stream_changes(const config::DatabaseSpec& database, ChangeConsumer& consumer, metrics::Registry& registry);

// Drops the configured slot (`popyka-host --drop-slot`). Throws ReplicationError.
void drop_slot(const config::DatabaseSpec& database);

}  // namespace popyka::source
