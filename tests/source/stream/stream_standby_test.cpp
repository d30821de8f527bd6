// Decoding on a hot standby (PostgreSQL 16+): popyka creates its slot there and streams what the
// primary writes; heartbeats go to the primary (database.heartbeat_connect_url), or are off with
// one warning. On 14 and 15, a standby in connect_url is one clear error. The standby is
// PostgresCluster::standby_of(): a copy of the cleanly stopped primary.
#include <catch2/catch.hpp>

#include <string>

#include "background_stream.hpp"
#include "log_capture.hpp"
#include "stream_checks.hpp"
#include "wait_until.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

int inserts_of(const std::vector<ReceivedMessage>& received, const std::string& table) {
  int count = 0;
  for (const auto& message : received) {
    if (message.json.starts_with(R"({"action":"I")") && message.json.find("\"table\":\"" + table + "\"") != std::string::npos) ++count;
  }
  return count;
}

bool lsn_at_least(const PostgresCluster& cluster, const std::string& slot, const std::string& lsn) {
  return cluster.query_value("SELECT confirmed_flush_lsn >= '" + lsn + "' FROM pg_replication_slots WHERE slot_name = '" +
                             slot + "'") == "t";
}

// Waits until a walsender on `standby` streams `slot`. Creating a slot on a standby waits for a
// running-xacts record from the primary: asked for meanwhile, as the README tells users to.
bool wait_until_streaming_on(const PostgresCluster& standby, const PostgresCluster& primary, const std::string& slot) {
  return wait_until([&] {
    primary.exec("SELECT pg_log_standby_snapshot()");
    return wait_until_streaming(standby, slot, std::chrono::milliseconds(200));
  });
}

}  // namespace

TEST_CASE("a standby: decoded there on 16 and later, one clear error before", "[matrix]") {
  PostgresCluster primary;
  primary.exec("CREATE TABLE on_primary(id int PRIMARY KEY)");
  primary.create_database("elsewhere");
  primary.exec("CREATE TABLE busy(x int)", "elsewhere");
  primary.prepare_output_plugin();  // a standby cannot create pgoutput's publication
  const auto standby = PostgresCluster::standby_of(primary);
  REQUIRE(standby->query_value("SELECT pg_is_in_recovery()") == "t");
  auto spec = database_spec(*standby, "on_standby");
  spec.heartbeat_interval_s = 0.2;
  const std::string version = standby->query_value("SHOW server_version").value();

  if (standby->major() < 16) {
    CHECK_THAT(replication_error(spec),
               Catch::StartsWith("database.connect_url names a standby (PostgreSQL " + version +
                                 ", in recovery): decoding on a standby needs PostgreSQL 16 or later"));
    CHECK(standby->query_value("SELECT count(*) FROM pg_replication_slots") == "0");
    return;
  }

  SECTION("heartbeats written on the standby itself are off, with one warning") {
    LogCapture log;
    RecordingConsumer consumer;
    BackgroundStream stream(spec, consumer);
    REQUIRE(wait_until_streaming_on(*standby, primary, "on_standby"));
    for (int id = 1; id <= 10; ++id) primary.exec("INSERT INTO on_primary VALUES (" + std::to_string(id) + ")");
    REQUIRE(consumer.wait_until([](const auto& received) { return inserts_of(received, "on_primary") == 10; }));
    // Confirmed to the standby's slot, as on a primary.
    const std::string last = sdk::format_lsn(consumer.received().back().lsn);
    CHECK(wait_until([&] { return lsn_at_least(*standby, "on_standby", last); }));
    primary.exec(end_of_stream_sql);
    REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
    CHECK(inserts_of(consumer.received(), "on_primary") == 10);
    CHECK(log.contains("decoding on a standby (PostgreSQL " + version +
                       "): hot_standby_feedback is on and primary_slot_name is set"));
    CHECK(log.contains("creating replication slot \"on_standby\" on a standby waits for the primary's next "
                       "running-xacts record"));
    CHECK(wait_until([&] {
      return log.contains("heartbeat is off: database.connect_url names a standby, which cannot write WAL; set "
                          "database.heartbeat_connect_url to its primary");
    }));
  }

  SECTION("heartbeats written on the primary move the standby's slot while only another database is written to") {
    spec.heartbeat_connect_url = primary.dsn();
    LogCapture log;
    RecordingConsumer consumer;
    BackgroundStream stream(spec, consumer);
    REQUIRE(wait_until_streaming_on(*standby, primary, "on_standby"));
    const std::string target = primary.query_value("SELECT pg_current_wal_insert_lsn()::text").value();
    CHECK(wait_until([&] {
      primary.exec("INSERT INTO busy VALUES (1)", "elsewhere");
      return lsn_at_least(*standby, "on_standby", target);
    }));
    primary.exec(end_of_stream_sql);
    REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
    CHECK(inserts_of(consumer.received(), "on_primary") == 0);
    CHECK_FALSE(log.contains("heartbeat is off"));
  }
}

TEST_CASE("an initial snapshot read on a standby: R rows of what the primary had, then its changes", "[.][since16]") {
  PostgresCluster primary;
  primary.exec("CREATE TABLE existing(id int PRIMARY KEY); INSERT INTO existing SELECT generate_series(1, 1000)");
  primary.prepare_output_plugin();
  const auto standby = PostgresCluster::standby_of(primary);
  auto spec = database_spec(*standby, "snapshot_on_standby");
  spec.snapshot = config::DatabaseSpec::Snapshot::initial;
  spec.snapshot_parallelism = 2;
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming_on(*standby, primary, "snapshot_on_standby"));
  primary.exec("INSERT INTO existing VALUES (1001)");
  primary.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  int snapshot_rows = 0;
  for (const auto& message : consumer.received()) snapshot_rows += message.json.starts_with(R"({"action":"R")");
  CHECK(snapshot_rows == 1000);
  CHECK(inserts_of(consumer.received(), "existing") == 1);
}

TEST_CASE("pgoutput on a standby without its publication: one line saying to create it on the primary", "[.][since16]") {
  PostgresCluster primary;
  const auto standby = PostgresCluster::standby_of(primary);
  auto spec = database_spec(*standby, "no_publication");
  spec.output_plugin = config::DatabaseSpec::OutputPlugin::pgoutput;
  CHECK_THAT(replication_error(spec),
             Catch::StartsWith("publication \"popyka\" does not exist and popyka cannot create it") &&
                 Catch::Contains("CREATE PUBLICATION popyka FOR ALL TABLES; as a superuser in database \"postgres\" on "
                                 "the primary (connect_url names a standby)"));
}
