#pragma once
#include <stdexcept>

#include "config/pipeline_config.hpp"
#include "source/change_consumer.hpp"

namespace popyka::source {

// A problem the host cannot recover from by reconnecting (wal_level, missing wal2json, no
// REPLICATION attribute, bad password, slot in use, bad slot name): one line saying what to do.
class ReplicationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Streams the slot's changes into `consumer` until runtime::stop_requested(): creates the slot
// (wal2json) when missing, starts from its confirmed position, confirms consumer.checkpoint(),
// reconnects with back-off when the connection is lost. On stop it flushes, confirms what is
// done and returns. Throws ReplicationError, or what the consumer throws (PipelineAbort).
void stream_changes(const config::DatabaseSpec& database, ChangeConsumer& consumer);

// Drops the configured slot (`popyka-host --drop-slot`). Throws ReplicationError.
void drop_slot(const config::DatabaseSpec& database);

}  // namespace popyka::source
