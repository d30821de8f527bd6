// The replication stream's parsing without a server: the input is a sequence of CopyData
// messages (each a 2-byte big-endian length, then that many bytes), handled as
// ReplicationSession::handle does: parse, move the confirmed position, decode XLogData's
// payload. Checks that parsing never reads past a message, that the flush position never goes
// backwards nor past write, and that a standby status update encodes what it was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <variant>

#include "decode/wal2json_decoder.hpp"
#include "fuzz_checks.hpp"
#include "source/replication/confirmed_position.hpp"
#include "source/replication/transport/replication_protocol.hpp"

namespace replication = popyka::source::replication;

namespace {

std::uint64_t read_u64(const char* at) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(at[i]);
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static popyka::decode::Wal2JsonDecoder decoder;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  replication::ConfirmedPosition position(0);
  popyka::sdk::Lsn checkpoint = 0;
  while (input.size() >= 2) {
    const std::size_t length = (static_cast<unsigned char>(input[0]) << 8) | static_cast<unsigned char>(input[1]);
    input.remove_prefix(2);
    // A copy of exactly the message, so reading past its end is an overflow ASan sees.
    const std::size_t taken = length < input.size() ? length : input.size();
    std::unique_ptr<char[]> copy(new char[taken]);
    std::memcpy(copy.get(), input.data(), taken);
    const std::string_view message(copy.get(), taken);
    input.remove_prefix(taken);

    replication::ServerMessage parsed;
    try {
      parsed = replication::parse_server_message(message);
    } catch (const replication::ProtocolError&) {
      continue;
    }
    bool pending = false;
    if (const auto* xlog = std::get_if<replication::XLogData>(&parsed)) {
      if (xlog->payload.data() < message.data() || xlog->payload.data() + xlog->payload.size() > message.data() + message.size())
        std::abort();
      position.on_data(xlog->data_start);
      try {
        popyka::fuzz::touch(decoder.decode(xlog->payload, xlog->data_start));
        checkpoint = xlog->data_start;  // as if every processor were done with it at once
      } catch (const popyka::decode::DecodeError&) {
        pending = true;
      }
    } else {
      position.on_keepalive(std::get<replication::PrimaryKeepalive>(parsed).wal_end);
    }
    const popyka::sdk::Lsn before = position.flush();
    const popyka::sdk::Lsn flush = position.confirm(checkpoint, pending);
    if (flush < before || position.write() < flush) std::abort();

    const replication::StandbyStatus status{position.write(), flush, flush, 12345, pending};
    const auto encoded = replication::encode_standby_status(status);
    if (encoded[0] != 'r' || read_u64(&encoded[1]) != status.write || read_u64(&encoded[9]) != status.flush ||
        read_u64(&encoded[17]) != status.apply || read_u64(&encoded[25]) != 12345 || encoded[33] != (pending ? 1 : 0))
      std::abort();
  }
  return 0;
}
