#pragma once
#include <chrono>
#include <string_view>

#include "config/pipeline_config.hpp"
#include "source/change_consumer.hpp"
#include "source/replication/confirmed_position.hpp"
#include "source/replication/replication_connection.hpp"

namespace popyka::source::replication {

// One connection's worth of streaming: from START_REPLICATION until a stop (clean end) or a lost
// connection (ConnectionLost; the caller reconnects and a new session resumes from the slot).
class ReplicationSession {
 public:
  // Connects, checks wal_level, prepares the slot (creating it only when `may_create_slot`) and
  // starts replication. Throws ReplicationError, SlotInUse or ConnectionLost.
  ReplicationSession(const config::DatabaseSpec& database, bool may_create_slot);

  // Streams into `consumer` until runtime::stop_requested(); then lets the consumer finish (up
  // to a bound), confirms what is done and ends the stream. Throws ConnectionLost, or what the
  // consumer throws (nothing more is confirmed then).
  void stream(ChangeConsumer& consumer);

  sdk::Lsn start_position() const { return start_position_; }

 private:
  void check_wal_level();
  void start_replication(bool may_create_slot);
  void receive_available(ChangeConsumer& consumer);
  void handle(std::string_view copy_data, ChangeConsumer& consumer);
  void wait_for_input(ChangeConsumer& consumer);
  // The periodic status: asks the consumer what is done (which flushes its processors) and
  // confirms it.
  void confirm_done(ChangeConsumer& consumer);
  void answer_keepalive(ChangeConsumer& consumer);
  void send_status(sdk::Lsn flush);
  void finish(ChangeConsumer& consumer);
  void end_copy();

  const config::DatabaseSpec& database_;
  ReplicationConnection connection_;
  sdk::Lsn start_position_ = 0;
  ConfirmedPosition position_{0};
  std::chrono::steady_clock::duration status_interval_;
  std::chrono::steady_clock::time_point next_status_;
  bool reply_requested_ = false;
};

}  // namespace popyka::source::replication
