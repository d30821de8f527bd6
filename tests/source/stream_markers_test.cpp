// What popyka writes into the stream and must know again, without a server: its own
// messages (heartbeats, signals) (as wal2json text and as decoded changes) and the snapshot marker slot's name.
#include <catch2/catch.hpp>

#include "decode/wal2json_decoder.hpp"
#include "source/replication/host_messages.hpp"
#include "source/replication/slot/replication_slot.hpp"

using namespace popyka::source::replication;
using popyka::decode::Wal2JsonDecoder;

TEST_CASE("the host's own messages are recognised by action and a prefix in popyka. only") {
  CHECK(is_host_message(R"({"action":"M","xid":null,"timestamp":null,"transactional":false,"prefix":"popyka.heartbeat","content":"x"})"));
  CHECK(is_host_message(R"({"action":"M","xid":731,"timestamp":"2026-11-30 11:08:13.3041+01","transactional":true,"prefix":"popyka.signal","content":""})"));
  CHECK_FALSE(is_host_message(R"({"action":"M","transactional":false,"prefix":"popyka","content":"x"})"));
  CHECK_FALSE(is_host_message(R"({"action":"M","transactional":false,"prefix":"app.popyka.x","content":"x"})"));
  CHECK_FALSE(is_host_message(R"({"action":"M","transactional":false,"prefix":"other","content":"\"prefix\":\"popyka.heartbeat\","})"));
  CHECK_FALSE(is_host_message(R"({"action":"M","transactional":false,"prefix":"o\",\"prefix\":\"popyka.x","content":""})"));
  CHECK_FALSE(is_host_message(R"({"action":"I","schema":"public","table":"t","columns":[{"name":"prefix","type":"text","value":"popyka.heartbeat"}]})"));
  // The same of decoded changes (pgoutput's).
  Wal2JsonDecoder decoder;
  CHECK(is_host_message(decoder.decode(R"({"action":"M","xid":null,"transactional":false,"prefix":"popyka.heartbeat","content":"x"})", 1)));
  CHECK(is_host_message(decoder.decode(R"({"action":"M","xid":7,"transactional":true,"prefix":"popyka.signal","content":"x"})", 1)));
  CHECK_FALSE(is_host_message(decoder.decode(R"({"action":"M","transactional":false,"prefix":"popyka","content":"x"})", 1)));
  CHECK_FALSE(is_host_message(decoder.decode(R"({"action":"M","transactional":false,"prefix":"app.popyka.x","content":"x"})", 1)));
  CHECK_FALSE(is_host_message(decoder.decode(R"({"action":"I","schema":"public","table":"t","columns":[{"name":"prefix","type":"text","value":"popyka.heartbeat"}]})", 1)));
}

TEST_CASE("the snapshot marker's name fits PostgreSQL's 63 characters and differs per slot") {
  CHECK(ReplicationSlot::snapshot_marker_name("popyka") == "popyka_snapshot_pending");
  const std::string a(63, 'a');
  const std::string b = std::string(62, 'a') + "b";
  CHECK(ReplicationSlot::snapshot_marker_name(a).size() <= 63);
  CHECK(ReplicationSlot::snapshot_marker_name(a).ends_with("_snapshot_pending"));
  CHECK(ReplicationSlot::snapshot_marker_name(a) != ReplicationSlot::snapshot_marker_name(b));
}
