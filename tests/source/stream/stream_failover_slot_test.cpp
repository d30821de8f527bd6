// database.failover: true makes the slot a failover slot (PostgreSQL 17+), which the server syncs
// to standbys; an existing slot without it gets one warning saying how to fix it; before 17 it is
// one clear error; a failover to a standby that has no copy of the slot is one clear error. The
// failover with the slot synced is tests/e2e/failover_test.cpp.
#include <catch2/catch.hpp>

#include <string>

#include "background_stream.hpp"
#include "log_capture.hpp"
#include "stream_checks.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// Streams `slot` with failover: true until the end-of-stream message.
void stream_with_failover(PostgresCluster& cluster, const std::string& slot, const LogCapture& log,
                          config::DatabaseSpec::Snapshot snapshot = config::DatabaseSpec::Snapshot::never) {
  auto spec = database_spec(cluster, slot);
  spec.failover = true;
  spec.snapshot = snapshot;
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, slot));
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  CHECK(log.count("database.failover: synchronized_standby_slots is empty on this primary") == 1);
}

std::string failover_of(const PostgresCluster& cluster, const std::string& slot) {
  return cluster.query_value("SELECT failover FROM pg_replication_slots WHERE slot_name = '" + slot + "'").value_or("none");
}

}  // namespace

TEST_CASE("database.failover: a failover slot on 17 and later, one clear error before", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  cluster.prepare_output_plugin();
  if (cluster.major() < 17) {
    auto spec = database_spec(cluster, "failover_slot");
    spec.failover = true;
    CHECK_THAT(replication_error(spec),
               Catch::StartsWith("database.failover: true needs PostgreSQL 17 or later (failover slots); this server "
                                 "is PostgreSQL " + cluster.query_value("SHOW server_version").value()));
    CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots") == "0");
    return;
  }
  SECTION("a slot popyka-host creates is a failover slot") {
    LogCapture log;
    stream_with_failover(cluster, "failover_slot", log);
    CHECK(failover_of(cluster, "failover_slot") == "t");
    CHECK_FALSE(log.contains("is no failover slot"));
  }
  SECTION("a slot created with an initial snapshot is a failover slot too") {
    LogCapture log;
    stream_with_failover(cluster, "failover_snapshot", log, config::DatabaseSpec::Snapshot::initial);
    CHECK(failover_of(cluster, "failover_snapshot") == "t");
    CHECK(log.contains("initial snapshot of replication slot \"failover_snapshot\" done"));
  }
  SECTION("an existing slot without failover: one warning saying how to make it one") {
    cluster.exec("SELECT pg_create_logical_replication_slot('plain_slot', '" + PostgresCluster::test_output_plugin() + "')");
    LogCapture log;
    stream_with_failover(cluster, "plain_slot", log);
    CHECK(failover_of(cluster, "plain_slot") == "f");
    CHECK(log.count("replication slot \"plain_slot\" is no failover slot, so no standby has it after a failover") == 1);
    CHECK(log.contains("ALTER_REPLICATION_SLOT plain_slot (FAILOVER true)"));
  }
}

// The standby syncs no slots (no sync_replication_slots): after the failover the new primary has
// no copy of the slot. popyka-host must say so, not create a new slot from a newer position.
TEST_CASE("a failover to a standby without the slot: one error naming it, no new slot", "[.][since17]") {
  PostgresCluster primary;
  primary.prepare_output_plugin();
  const auto standby = PostgresCluster::standby_of(primary);
  auto spec = database_spec(primary, "not_synced");
  spec.connect_url = PostgresCluster::read_write_dsn(primary, *standby);
  spec.failover = true;
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(primary, "not_synced"));
  primary.kill();
  standby->promote();
  REQUIRE(stream.wait(std::chrono::seconds(60)) == BackgroundStream::Ending::error);
  CHECK_THAT(stream.error(),
             Catch::StartsWith("replication slot \"not_synced\" does not exist on the server popyka reconnected to "
                               "(127.0.0.1:" + std::to_string(standby->port()) + "), a promoted standby after a failover?") &&
                 Catch::Contains("check sync_replication_slots"));
  CHECK(standby->query_value("SELECT count(*) FROM pg_replication_slots") == "0");
}
