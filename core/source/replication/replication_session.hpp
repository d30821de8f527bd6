#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/pipeline_config.hpp"
#include "decode/wal2json_decoder.hpp"
#include "metrics/metrics_registry.hpp"
#include "source/change_consumer.hpp"
#include "source/replication/confirmed_position.hpp"
#include "source/replication/incremental/incremental_snapshot.hpp"
#include "source/replication/output_plugin/output_plugin.hpp"
#include "source/replication/transport/replication_connection.hpp"

namespace popyka::source::replication {

// One connection's worth of streaming: from START_REPLICATION until a stop (clean end) or a lost
// connection (ConnectionLost; the caller reconnects and a new session resumes from the slot).
class ReplicationSession {
 public:
  // Connects, checks wal_level, prepares the slot (creating it only when `may_create_slot`) and
  // starts replication. Throws ReplicationError, SlotInUse or ConnectionLost. When it created
  // the slot for an initial snapshot, replication starts in stream(), after the snapshot.
  // Health and positions go to `registry`.
  ReplicationSession(const config::DatabaseSpec& database, bool may_create_slot, metrics::Registry& registry);

  // Streams into `consumer` until runtime::stop_requested(); then lets the consumer finish (up
  // to a bound), confirms what is done and ends the stream. Throws ConnectionLost, or what the
  // consumer throws (nothing more is confirmed then). An initial snapshot comes first (see
  // snapshot/initial_snapshot.hpp); a stop during it drops the slot and returns.
  void stream(ChangeConsumer& consumer);

  sdk::Lsn start_position() const { return start_position_; }
  // "host:port" of the server this session streams from (one of a multi-host connect_url's).
  std::string server() const;

 private:
  void check_server_version();
  void check_standby();
  void check_failover();
  void check_wal_level();
  void prepare_slot(bool may_create_slot);
  // The R rows, every one done, before START_REPLICATION on this (until then idle) connection.
  // False when a stop came first.
  bool take_initial_snapshot(ChangeConsumer& consumer);
  // database.snapshot: incremental, once the slot is new: the signal for every table (or
  // snapshot_tables), through the stream like a user's.
  void request_incremental_snapshot();
  void start_replication();
  void receive_available(ChangeConsumer& consumer);
  // `readable_after`: bytes past the end of `copy_data` that may be read (see consume_padded()).
  void handle(std::string_view copy_data, std::size_t readable_after, ChangeConsumer& consumer);
  // One message of a payload to the consumer (`bytes`: the payload's, for a decoded change), or
  // dropped when it is one of the host's own (host_messages.hpp).
  void deliver(const PluginMessage& message, sdk::Lsn lsn, std::size_t readable_after, std::size_t bytes, ChangeConsumer& consumer);
  // A host message (heartbeat, watermark, signal) for the incremental snapshot; true when it
  // handed rows to the consumer (a high watermark).
  bool take_host_message(const sdk::Change& message, sdk::Lsn lsn, ChangeConsumer& consumer);
  // A streamed change, seen by the incremental snapshot (the chunk waiting for its high
  // watermark); true when it is a row of the signal table (a signal, never handed on).
  bool show_to_snapshot(const std::string_view* json, const decode::DecodedChange* change, sdk::Lsn lsn);
  void take_signal(const std::optional<incremental::Signal>& signal);
  // A status update, no further than the incremental snapshot allows.
  sdk::Lsn confirmable(sdk::Lsn checkpoint, bool undone);
  void wait_for_input(ChangeConsumer& consumer);
  // The periodic status: asks the consumer what is done (which flushes its processors) and
  // confirms it.
  void confirm_done(ChangeConsumer& consumer);
  void answer_keepalive(ChangeConsumer& consumer);
  // Something received is not done: a delivery outstanding, or a streamed transaction open.
  bool undone(const ChangeConsumer& consumer) const;
  void send_status(sdk::Lsn flush);
  void finish(ChangeConsumer& consumer);
  void end_copy();

  const config::DatabaseSpec& database_;
  metrics::Registry& registry_;
  std::unique_ptr<OutputPlugin> plugin_;
  ReplicationConnection connection_;
  bool on_standby_ = false;  // connect_url names a hot standby (PostgreSQL 16+ decodes there)
  sdk::Lsn start_position_ = 0;
  std::string exported_snapshot_;  // set while an initial snapshot is to be read
  std::vector<std::pair<std::string, std::string>> output_settings_;
  ConfirmedPosition position_{0};
  std::chrono::steady_clock::duration status_interval_;
  std::chrono::steady_clock::time_point next_status_;
  bool reply_requested_ = false;
  std::unique_ptr<incremental::IncrementalSnapshot> incremental_;
  decode::Wal2JsonDecoder host_decoder_;  // wal2json's text, when the incremental snapshot needs it decoded
  std::string signal_schema_, signal_table_;  // database.signal_table's parts
  std::string signal_table_needle_;           // `"table":"<its name>"` in wal2json's text
};

}  // namespace popyka::source::replication
