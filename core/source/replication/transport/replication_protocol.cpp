#include "source/replication/transport/replication_protocol.hpp"

#include <fmt/format.h>

namespace popyka::source::replication {
namespace {

constexpr std::size_t xlog_data_header_size = 1 + 8 + 8 + 8;
constexpr std::size_t keepalive_size = 1 + 8 + 8 + 1;

// The protocol's integers are big-endian.
std::uint64_t read_u64(std::string_view bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

void write_u64(char* at, std::uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    at[i] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
}

void require_size(std::string_view message, std::size_t size, const char* what) {
  if (message.size() < size) {
    throw ProtocolError(fmt::format("replication protocol: {} message of {} bytes, expected at least {}",
                                    what, message.size(), size));
  }
}

}  // namespace

ServerMessage parse_server_message(std::string_view copy_data) {
  if (copy_data.empty()) throw ProtocolError("replication protocol: empty CopyData message");
  switch (copy_data[0]) {
    case 'w':
      require_size(copy_data, xlog_data_header_size, "XLogData");
      return XLogData{read_u64(copy_data, 1), read_u64(copy_data, 9),
                      static_cast<std::int64_t>(read_u64(copy_data, 17)),
                      copy_data.substr(xlog_data_header_size)};
    case 'k':
      require_size(copy_data, keepalive_size, "keepalive");
      return PrimaryKeepalive{read_u64(copy_data, 1), static_cast<std::int64_t>(read_u64(copy_data, 9)),
                              copy_data[17] != 0};
    default:
      throw ProtocolError(fmt::format("replication protocol: unknown message type 0x{:02x}",
                                      static_cast<unsigned char>(copy_data[0])));
  }
}

std::array<char, standby_status_size> encode_standby_status(const StandbyStatus& status) {
  std::array<char, standby_status_size> message{};
  message[0] = 'r';
  write_u64(&message[1], status.write);
  write_u64(&message[9], status.flush);
  write_u64(&message[17], status.apply);
  write_u64(&message[25], static_cast<std::uint64_t>(status.send_time_us));
  message[33] = status.reply_requested ? 1 : 0;
  return message;
}

std::int64_t to_postgres_time_us(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  constexpr auto postgres_epoch = sys_days{year{2000} / January / 1};
  return duration_cast<microseconds>(time - postgres_epoch).count();
}

}  // namespace popyka::source::replication
