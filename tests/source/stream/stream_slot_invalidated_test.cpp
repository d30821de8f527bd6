// Issue 19: a slot the server invalidated (wal_status = lost, max_slot_wal_keep_size) ends
// stream_changes() with one line saying so and how to recover, at once, with no reconnect loop;
// /healthz's state says it before the error ends the process.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "background_stream.hpp"
#include "metrics/metrics_registry.hpp"
#include "slot_wal.hpp"
#include "stream_checks.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// What every invalidated slot's error says: the slot, the server's verdict, what is gone and
// how to start over.
void check_invalidated_message(const std::string& message, const std::string& slot, const std::string& confirmed,
                               const std::string& cause) {
  CHECK(message.find('\n') == std::string::npos);
  CHECK_THAT(message, Catch::Contains("the server invalidated replication slot \"" + slot + "\" (") &&
                          Catch::Contains("the changes since its confirmed position " + confirmed + " cannot be streamed") &&
                          Catch::Contains("SELECT pg_drop_replication_slot('" + slot + "')") &&
                          Catch::Contains("database.snapshot: initial") && Catch::Contains(cause));
}

// Past max_slot_wal_keep_size, in the words of the server's major: wal_status before 17,
// invalidation_reason from 17 on.
std::string wal_removed(const PostgresCluster& cluster) {
  return (cluster.major() >= 17 ? "invalidation_reason = wal_removed" : "wal_status = lost") +
         std::string(": it was more than max_slot_wal_keep_size behind");
}

void create_slot(const PostgresCluster& cluster, const std::string& slot) {
  cluster.exec("SELECT pg_create_logical_replication_slot('" + slot + "', '" + PostgresCluster::test_output_plugin() +
               "')");
}

std::string confirmed_of(const PostgresCluster& cluster, const std::string& slot) {
  return cluster.query_value("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'")
      .value_or("none");
}

}  // namespace

TEST_CASE("a slot already lost at startup is a one-line error saying how to recover, and the health says failed", "[matrix]") {
  PostgresCluster cluster({.settings = {small_slot_wal_keep_size}});
  create_slot(cluster, "lost_at_start");
  REQUIRE(push_slot_to(cluster, "lost_at_start", "lost"));

  metrics::registry().set_health(metrics::Health::Starting, "starting");
  const std::string message = replication_error(database_spec(cluster, "lost_at_start"));
  check_invalidated_message(message, "lost_at_start", confirmed_of(cluster, "lost_at_start"), wal_removed(cluster));
  const auto [health, reason] = metrics::registry().health();
  CHECK(health == metrics::Health::Failed);
  CHECK(reason == message);
}

TEST_CASE("a slot the server invalidates while streaming ends the stream with that error, not a reconnect loop", "[matrix]") {
  PostgresCluster cluster({.settings = {small_slot_wal_keep_size}});
  RecordingConsumer consumer;
  BackgroundStream stream(database_spec(cluster, "lost_while_streaming"), consumer);
  REQUIRE(wait_until_streaming(cluster, "lost_while_streaming"));

  const OpenTransaction holds_the_slot_back(cluster);
  REQUIRE(push_slot_to(cluster, "lost_while_streaming", "unreserved"));
  // The checkpoint that removes the WAL ends the walsender; the next session finds the slot lost.
  REQUIRE(push_slot_to(cluster, "lost_while_streaming", "lost"));
  REQUIRE(stream.wait() == BackgroundStream::Ending::error);
  check_invalidated_message(stream.error(), "lost_while_streaming", confirmed_of(cluster, "lost_while_streaming"),
                            wal_removed(cluster));
  CHECK(metrics::registry().health() == std::pair{metrics::Health::Failed, stream.error()});
}

// PostgreSQL 18 invalidates a slot no one streams for idle_replication_slot_timeout (at a
// checkpoint). wal_status says `lost` for it too: the error must not blame max_slot_wal_keep_size.
// Run by tests/matrix on 18 and later (hidden here).
TEST_CASE("a slot invalidated for being idle is named as such, not as max_slot_wal_keep_size", "[.][since18]") {
  PostgresCluster cluster({.settings = {"idle_replication_slot_timeout = 1s"}});
  REQUIRE(cluster.major() >= 18);
  create_slot(cluster, "idle_slot");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (cluster.query_value("SELECT invalidation_reason FROM pg_replication_slots WHERE slot_name = 'idle_slot'") !=
             "idle_timeout" &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cluster.exec("CHECKPOINT");  // where the server looks for idle slots
  }
  const std::string message = replication_error(database_spec(cluster, "idle_slot"));
  check_invalidated_message(message, "idle_slot", confirmed_of(cluster, "idle_slot"),
                            "invalidation_reason = idle_timeout: no one streamed it for longer than the server's "
                            "idle_replication_slot_timeout");
  CHECK_THAT(message, !Catch::Contains("max_slot_wal_keep_size"));
}
