#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <variant>

#include "popyka/sdk/change.hpp"

// The CopyBoth sub-protocol of streaming replication: what the server sends inside CopyData
// ('w' XLogData, 'k' keepalive) and the standby status update ('r') the client answers with.
// Pure functions over bytes, so they are tested without a server.
namespace popyka::source::replication {

// A message the server sent that this code cannot read: the stream cannot go on.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// 'w': one wal2json message. `payload` views the received buffer (no copy).
struct XLogData {
  sdk::Lsn data_start;  // the WAL position of this output (what a change is confirmed by)
  sdk::Lsn wal_end;     // the server's current end of WAL
  std::int64_t send_time_us;
  std::string_view payload;
};

// 'k': the server's heartbeat; `wal_end` is how far it has decoded and sent.
struct PrimaryKeepalive {
  sdk::Lsn wal_end;
  std::int64_t send_time_us;
  bool reply_requested;  // answer at once, or wal_sender_timeout ends the connection
};

using ServerMessage = std::variant<XLogData, PrimaryKeepalive>;

// Reads one CopyData message from the server. Throws ProtocolError on an unknown type or a
// message shorter than its header.
ServerMessage parse_server_message(std::string_view copy_data);

// 'r': what the client has received (write), made durable (flush) and applied (apply). For a
// logical slot only `flush` matters: it becomes the slot's confirmed_flush_lsn.
struct StandbyStatus {
  sdk::Lsn write;
  sdk::Lsn flush;
  sdk::Lsn apply;
  std::int64_t send_time_us;
  bool reply_requested = false;
};

inline constexpr std::size_t standby_status_size = 1 + 8 + 8 + 8 + 8 + 1;
std::array<char, standby_status_size> encode_standby_status(const StandbyStatus& status);

// Microseconds since 2000-01-01 00:00 UTC, PostgreSQL's epoch for protocol timestamps.
std::int64_t to_postgres_time_us(std::chrono::system_clock::time_point time);

}  // namespace popyka::source::replication
