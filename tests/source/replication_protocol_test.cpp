// The replication stream's pure parts, without a server: protocol messages, the positions a
// status update reports, wal2json options, slot names, back-off.
#include <catch2/catch.hpp>

#include <string>

#include "source/replication/confirmed_position.hpp"
#include "source/replication/output_plugin/start_replication_command.hpp"
#include "source/replication/output_plugin/wal2json_plugin.hpp"
#include "source/replication/slot/replication_slot.hpp"
#include "source/replication/transport/reconnect_backoff.hpp"
#include "source/replication/transport/replication_connection.hpp"
#include "source/replication/transport/replication_protocol.hpp"

using namespace popyka::source::replication;
using popyka::source::ReplicationError;

namespace {

std::string big_endian(std::uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i, value >>= 8) bytes[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xFF);
  return bytes;
}

}  // namespace

TEST_CASE("an XLogData message gives its start LSN and a view of the payload") {
  const std::string json = R"({"action":"B","xid":746})";
  const std::string message = "w" + big_endian(0x1E541620) + big_endian(0x11E541650) + big_endian(42) + json;

  auto parsed = parse_server_message(message);

  REQUIRE(std::holds_alternative<XLogData>(parsed));
  const auto& data = std::get<XLogData>(parsed);
  CHECK(data.data_start == 0x1E541620);
  CHECK(data.wal_end == 0x11E541650);
  CHECK(data.send_time_us == 42);
  CHECK(data.payload == json);
  CHECK(data.payload.data() == message.data() + 25);  // a view into the received buffer, no copy
}

TEST_CASE("an XLogData message may carry an empty payload") {
  auto parsed = parse_server_message("w" + big_endian(1) + big_endian(2) + big_endian(3));
  CHECK(std::get<XLogData>(parsed).payload.empty());
}

TEST_CASE("a keepalive gives the server's WAL end and whether it wants a reply at once") {
  const std::string asks = "k" + big_endian(0xABCDEF0123) + big_endian(7) + std::string(1, '\1');
  const std::string informs = "k" + big_endian(5) + big_endian(7) + std::string(1, '\0');

  auto asking = std::get<PrimaryKeepalive>(parse_server_message(asks));
  CHECK(asking.wal_end == 0xABCDEF0123);
  CHECK(asking.send_time_us == 7);
  CHECK(asking.reply_requested);
  CHECK_FALSE(std::get<PrimaryKeepalive>(parse_server_message(informs)).reply_requested);
}

TEST_CASE("truncated or unknown server messages are protocol errors") {
  CHECK_THROWS_AS(parse_server_message(""), ProtocolError);
  CHECK_THROWS_AS(parse_server_message("w" + big_endian(1) + big_endian(2)), ProtocolError);
  CHECK_THROWS_AS(parse_server_message("k" + big_endian(1) + big_endian(2)), ProtocolError);
  CHECK_THROWS_WITH(parse_server_message("x123"), Catch::Contains("unknown message type 0x78"));
}

TEST_CASE("a standby status update is 'r' then three positions then the time and the reply flag (big-endian)") {
  auto message = encode_standby_status({0x0102030405060708, 0x1E541650, 0x1E541650, 0x7FFF, true});

  const std::string bytes(message.begin(), message.end());
  CHECK(bytes == "r" + big_endian(0x0102030405060708) + big_endian(0x1E541650) + big_endian(0x1E541650) +
                     big_endian(0x7FFF) + std::string(1, '\1'));
}

TEST_CASE("protocol time counts microseconds from 2000-01-01 UTC") {
  using namespace std::chrono;
  CHECK(to_postgres_time_us(sys_days{year{2000} / January / 1}) == 0);
  CHECK(to_postgres_time_us(sys_days{year{2000} / January / 2} + microseconds(5)) == 86'400'000'005);
}

TEST_CASE("the flush position is the consumer's checkpoint and never goes backwards") {
  ConfirmedPosition position(100);
  position.on_data(150);
  CHECK(position.confirm(0, true) == 100);  // nothing done yet: the slot's own position stays
  CHECK(position.confirm(150, false) == 150);
  CHECK(position.confirm(120, false) == 150);
  CHECK(position.write() == 150);
}

TEST_CASE("below an incremental snapshot's ceiling, neither a checkpoint nor a keepalive confirms past it") {
  ConfirmedPosition position(100);
  position.on_data(150);
  position.on_keepalive(400);  // a keepalive, or a heartbeat or watermark message, past the current low watermark
  CHECK(position.confirm_below(500, false, 300) == 300);
  CHECK(position.flush() == 300);
  CHECK(position.confirm_below(500, false, 450) == 450);  // the next chunk's ceiling
  CHECK(position.confirm(500, false) == 500);             // the snapshot done
}

TEST_CASE("a keepalive's WAL end is confirmed only when everything consumed before it is done") {
  ConfirmedPosition position(100);
  position.on_data(150);
  position.on_keepalive(400);

  SECTION("idle and nothing pending: the server's position is confirmed, so WAL can be recycled") {
    CHECK(position.confirm(150, false) == 400);
  }
  SECTION("a delivery still outstanding: only the checkpoint") {
    CHECK(position.confirm(120, true) == 120);
  }
  SECTION("a change consumed after the keepalive: only the checkpoint") {
    position.on_data(410);
    CHECK(position.confirm(150, false) == 150);
    position.on_keepalive(500);
    CHECK(position.confirm(410, false) == 500);
  }
  CHECK(position.write() >= 400);
}

TEST_CASE("the host asks wal2json for format 2 with pk and xids and timestamps and then the user's options") {
  auto options = wal2json_options({{"include-lsn", "1"}, {"include-timestamp", "0"}});

  CHECK(options == PluginOptions{{"format-version", "2"},
                                   {"include-pk", "1"},
                                   {"include-xids", "1"},
                                   {"include-timestamp", "0"},
                                   {"include-lsn", "1"}});
  CHECK_NOTHROW(wal2json_options({{"format-version", "2"}}));
  CHECK_THROWS_AS(wal2json_options({{"format-version", "1"}}), ReplicationError);
}

TEST_CASE("START_REPLICATION starts from the slot's position with quoted options") {
  CHECK(start_replication_command("popyka", {{"format-version", "2"}, {"add-tables", "public.o'brien"}}) ==
        R"(START_REPLICATION SLOT popyka LOGICAL 0/0 ("format-version" '2', "add-tables" 'public.o''brien'))");
  CHECK(start_replication_command("popyka", {}) == "START_REPLICATION SLOT popyka LOGICAL 0/0");
}

TEST_CASE("slot names follow PostgreSQL's rule") {
  CHECK_NOTHROW(validate_slot_name("popyka_slot_1"));
  CHECK_NOTHROW(validate_slot_name(std::string(63, 'a')));
  CHECK_THROWS_WITH(validate_slot_name("Popyka"), Catch::Contains("invalid replication slot name \"Popyka\""));
  CHECK_THROWS_AS(validate_slot_name(""), ReplicationError);
  CHECK_THROWS_AS(validate_slot_name(std::string(64, 'a')), ReplicationError);
  CHECK_THROWS_AS(validate_slot_name("a-b"), ReplicationError);
  CHECK_THROWS_AS(validate_slot_name("x; DROP"), ReplicationError);
}

TEST_CASE("reconnect waits double from the initial wait up to the cap and start over after a success") {
  ReconnectBackoff backoff(ReconnectBackoff::Seconds(1), ReconnectBackoff::Seconds(5));
  CHECK(backoff.next_wait().count() == 1);
  CHECK(backoff.next_wait().count() == 2);
  CHECK(backoff.next_wait().count() == 4);
  CHECK(backoff.next_wait().count() == 5);
  CHECK(backoff.next_wait().count() == 5);
  backoff.reset();
  CHECK(backoff.next_wait().count() == 1);
}

TEST_CASE("libpq's multi-line messages become one line that keeps where a sentence ended") {
  CHECK(one_line("connection to server at \"127.0.0.1\", port 5 failed: Connection refused\n"
                 "\tIs the server running on that host and accepting TCP/IP connections?\n") ==
        "connection to server at \"127.0.0.1\", port 5 failed: Connection refused; Is the server running on that host and "
        "accepting TCP/IP connections?");
  CHECK(one_line("FATAL:  password authentication failed\n") == "FATAL: password authentication failed");
  CHECK(one_line("ERROR:\n  detail here.\nHINT:  x") == "ERROR: detail here. HINT: x");
  CHECK(one_line("  \n") == "");
}

TEST_CASE("a lost connection's error gives libpq's reason on one line, and says so when libpq gave none") {
  CHECK(with_libpq_reason("lost the replication connection", "server closed the connection unexpectedly\n") ==
        "lost the replication connection: server closed the connection unexpectedly");
  CHECK(with_libpq_reason("lost the replication connection", "") == "lost the replication connection (libpq gave no reason)");
}
