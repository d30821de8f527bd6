// database.heartbeat_interval_s: with writes only in another database, heartbeats move the
// slot's confirmed_flush_lsn and restart_lsn; they never reach the consumer.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "background_stream.hpp"
#include "wait_until.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

struct SlotPositions {
  std::string confirmed_flush, restart;
};

SlotPositions positions(const PostgresCluster& cluster, const std::string& slot) {
  auto rows = cluster.query("SELECT confirmed_flush_lsn::text, restart_lsn::text FROM pg_replication_slots WHERE slot_name = '" +
                            slot + "'");
  REQUIRE(rows.size() == 1);
  return {*rows[0][0], *rows[0][1]};
}

bool lsn_less(const PostgresCluster& cluster, const std::string& a, const std::string& b) {
  return cluster.query_value("SELECT '" + a + "'::pg_lsn < '" + b + "'::pg_lsn") == "t";
}

// Streams `slot` of database `captured` with the given heartbeat interval while another
// database is written to, until `done` says enough happened (a bound only catches a hang);
// returns the slot's positions before and after, and what was consumed.
struct Outcome {
  SlotPositions before, after;
  std::vector<ReceivedMessage> received;
  int heartbeats_in_wal = 0;  // popyka.heartbeat messages wal2json decodes in the captured database
};
using Done = std::function<bool(const PostgresCluster&, const Outcome&)>;

Outcome run_with_writes_elsewhere(const std::string& captured, const std::string& slot, double heartbeat_s, const Done& done) {
  auto& cluster = PostgresCluster::shared();
  auto spec = database_spec(cluster, slot);
  spec.connect_url = cluster.dsn("postgres", "", captured);
  spec.heartbeat_interval_s = heartbeat_s;
  const std::string reference = slot + "_reference";
  cluster.exec("SELECT pg_create_logical_replication_slot('" + reference + "', 'wal2json')", captured);
  const auto heartbeats_in_wal = [&] {
    return std::stoi(*cluster.query_value(
        "SELECT count(*) FROM pg_logical_slot_peek_changes('" + reference + "', NULL, NULL, 'format-version', '2') "
        "WHERE data LIKE '%\"prefix\":\"popyka.heartbeat\"%'", captured));
  };
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, slot));
  // The starting point: once the stream has confirmed everything written before it started.
  const auto started_at = *cluster.query_value("SELECT pg_current_wal_insert_lsn()::text");
  REQUIRE(wait_until([&] { return !lsn_less(cluster, positions(cluster, slot).confirmed_flush, started_at); }));
  Outcome outcome;
  outcome.before = positions(cluster, slot);
  const bool enough = wait_until([&] {
    cluster.exec("INSERT INTO busy SELECT generate_series(1, 2000)", "hb_other");
    cluster.exec("CHECKPOINT");  // logs the running transactions, which restart_lsn moves on with
    outcome.after = positions(cluster, slot);
    outcome.heartbeats_in_wal = heartbeats_in_wal();
    return done(cluster, outcome);
  });
  INFO("before " << outcome.before.confirmed_flush << " / " << outcome.before.restart << ", after "
                 << outcome.after.confirmed_flush << " / " << outcome.after.restart << ", heartbeats "
                 << outcome.heartbeats_in_wal);
  CHECK(enough);
  cluster.exec(end_of_stream_sql, captured);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  outcome.received = consumer.received();
  outcome.heartbeats_in_wal = heartbeats_in_wal();
  cluster.exec("SELECT pg_drop_replication_slot('" + reference + "')", captured);
  return outcome;
}

void prepare_databases() {
  auto& cluster = PostgresCluster::shared();
  static bool done = false;
  if (done) return;
  cluster.create_database("hb_captured");
  cluster.create_database("hb_other");
  cluster.exec("CREATE TABLE busy(n int)", "hb_other");
  done = true;
}

}  // namespace

TEST_CASE("heartbeats on: with writes only in another database the slot's confirmed_flush_lsn and restart_lsn advance") {
  prepare_databases();
  const auto outcome = run_with_writes_elsewhere("hb_captured", "hb_on", 0.3, [](const auto& cluster, const Outcome& now) {
    return lsn_less(cluster, now.before.confirmed_flush, now.after.confirmed_flush) &&
           lsn_less(cluster, now.before.restart, now.after.restart) && now.heartbeats_in_wal >= 5;
  });
  CHECK(outcome.heartbeats_in_wal >= 5);
  CHECK(outcome.received.empty());  // heartbeats never reach the consumer
}

// Not "the positions stay": PostgreSQL 15's walsender sends a keepalive once it has decoded past
// what the client reported (other databases' WAL too), and the stream confirms a keepalive's
// walEnd when nothing is outstanding (replication/README.md, "What is confirmed"). Heartbeats add
// a message of this database at a known interval, which matters where keepalives come rarely
// (a walsender that never catches up, other servers' behaviour). Off means none is written.
TEST_CASE("heartbeats off: no heartbeat is written, nothing reaches the consumer") {
  prepare_databases();
  // As long as the same writes take with heartbeats on to show 5 of them (0.3 s apart), and the
  // stream past them: measured in the off run itself, from its start.
  const auto started = std::chrono::steady_clock::now();
  const auto outcome = run_with_writes_elsewhere("hb_captured", "hb_off", 0, [&](const auto& cluster, const Outcome& now) {
    return std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(5 * 300) &&
           lsn_less(cluster, now.before.confirmed_flush, now.after.confirmed_flush);
  });
  CHECK(outcome.heartbeats_in_wal == 0);
  CHECK(outcome.received.empty());
}
