// Issue 19: a slot the server invalidated (wal_status = lost, max_slot_wal_keep_size) ends
// stream_changes() with one line saying so and how to recover, at once, with no reconnect loop;
// /healthz's state says it before the error ends the process.
#include <catch2/catch.hpp>

#include "background_stream.hpp"
#include "metrics/metrics_registry.hpp"
#include "slot_wal.hpp"
#include "stream_checks.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// What every invalidated slot's error says: the slot, the server's verdict, what is gone and
// how to start over.
void check_invalidated_message(const std::string& message, const std::string& slot, const std::string& confirmed) {
  CHECK(message.find('\n') == std::string::npos);
  CHECK_THAT(message, Catch::Contains("the server invalidated replication slot \"" + slot + "\" (wal_status = lost") &&
                          Catch::Contains("the changes since its confirmed position " + confirmed + " cannot be streamed") &&
                          Catch::Contains("SELECT pg_drop_replication_slot('" + slot + "')") &&
                          Catch::Contains("database.snapshot: initial"));
}

std::string confirmed_of(const PostgresCluster& cluster, const std::string& slot) {
  return cluster.query_value("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'")
      .value_or("none");
}

}  // namespace

TEST_CASE("a slot already lost at startup is a one-line error saying how to recover, and the health says failed") {
  PostgresCluster cluster({.settings = {small_slot_wal_keep_size}});
  cluster.exec("SELECT pg_create_logical_replication_slot('lost_at_start', 'wal2json')");
  REQUIRE(push_slot_to(cluster, "lost_at_start", "lost"));

  metrics::registry().set_health(metrics::Health::Starting, "starting");
  const std::string message = replication_error(database_spec(cluster, "lost_at_start"));
  check_invalidated_message(message, "lost_at_start", confirmed_of(cluster, "lost_at_start"));
  const auto [health, reason] = metrics::registry().health();
  CHECK(health == metrics::Health::Failed);
  CHECK(reason == message);
}

TEST_CASE("a slot the server invalidates while streaming ends the stream with that error, not a reconnect loop") {
  PostgresCluster cluster({.settings = {small_slot_wal_keep_size}});
  RecordingConsumer consumer;
  BackgroundStream stream(database_spec(cluster, "lost_while_streaming"), consumer);
  REQUIRE(wait_until_streaming(cluster, "lost_while_streaming"));

  const OpenTransaction holds_the_slot_back(cluster);
  REQUIRE(push_slot_to(cluster, "lost_while_streaming", "unreserved"));
  // The checkpoint that removes the WAL ends the walsender; the next session finds the slot lost.
  REQUIRE(push_slot_to(cluster, "lost_while_streaming", "lost"));
  REQUIRE(stream.wait() == BackgroundStream::Ending::error);
  check_invalidated_message(stream.error(), "lost_while_streaming", confirmed_of(cluster, "lost_while_streaming"));
  CHECK(metrics::registry().health() == std::pair{metrics::Health::Failed, stream.error()});
}
