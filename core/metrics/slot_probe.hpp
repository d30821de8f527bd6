#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace popyka::metrics {

struct SlotStatus {
  std::int64_t current_wal_lsn = 0;                 // pg_current_wal_lsn()
  std::optional<std::int64_t> retained_wal_bytes;   // pg_current_wal_lsn() - restart_lsn; none once lost
  // pg_replication_slots.wal_status (PostgreSQL 13+): reserved, extended, unreserved (the WAL it
  // needs goes at the next checkpoint), lost (invalidated); empty when the server has none.
  std::string wal_status;
  // pg_replication_slots.safe_wal_size: WAL that can still be written before the slot is at
  // risk; none without max_slot_wal_keep_size, or once lost.
  std::optional<std::int64_t> safe_wal_size;
};

// Asks PostgreSQL, on an ordinary connection of its own (the replication one is busy
// streaming), how much WAL the slot keeps and whether the server may take it away. Connects
// lazily, again after a failure; answers std::nullopt when the server cannot be asked (or the
// slot does not exist). Logs a warning when it finds the slot `unreserved`, once each time it
// becomes so. Safe to call from the metrics server's threads.
class SlotProbe {
 public:
  SlotProbe(std::string connect_url, std::string slot_name);
  ~SlotProbe();
  SlotProbe(const SlotProbe&) = delete;
  SlotProbe& operator=(const SlotProbe&) = delete;

  std::optional<SlotStatus> query();

 private:
  struct Connection;
  void notice_wal_status(const SlotStatus& status);

  std::string connect_url_;
  std::string slot_name_;
  std::mutex mutex_;
  std::unique_ptr<Connection> connection_;
  std::string last_wal_status_;
};

}  // namespace popyka::metrics
