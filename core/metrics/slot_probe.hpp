#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace popyka::metrics {

struct SlotStatus {
  std::int64_t current_wal_lsn = 0;     // pg_current_wal_lsn()
  std::int64_t retained_wal_bytes = 0;  // pg_current_wal_lsn() - the slot's restart_lsn
};

// Asks PostgreSQL, on an ordinary connection of its own (the replication one is busy
// streaming), how much WAL the slot keeps. Connects lazily, again after a failure; answers
// std::nullopt when the server cannot be asked. Safe to call from the metrics server's threads.
class SlotProbe {
 public:
  SlotProbe(std::string connect_url, std::string slot_name);
  ~SlotProbe();
  SlotProbe(const SlotProbe&) = delete;
  SlotProbe& operator=(const SlotProbe&) = delete;

  std::optional<SlotStatus> query();

 private:
  struct Connection;
  std::string connect_url_;
  std::string slot_name_;
  std::mutex mutex_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace popyka::metrics
