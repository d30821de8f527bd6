// database.heartbeat_interval_s: with writes only in another database, heartbeats move the
// slot's confirmed_flush_lsn and restart_lsn; they never reach the consumer.
#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "background_stream.hpp"

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
// database is written to; returns the slot's positions before and after, and what was consumed.
struct Outcome {
  SlotPositions before, after;
  std::vector<ReceivedMessage> received;
  int heartbeats_in_wal;  // popyka.heartbeat messages wal2json decodes in the captured database
};

Outcome run_with_writes_elsewhere(const std::string& captured, const std::string& slot, double heartbeat_s) {
  auto& cluster = PostgresCluster::shared();
  auto spec = database_spec(cluster, slot);
  spec.connect_url = cluster.dsn("postgres", "", captured);
  spec.heartbeat_interval_s = heartbeat_s;
  const std::string reference = slot + "_reference";
  cluster.exec("SELECT pg_create_logical_replication_slot('" + reference + "', 'wal2json')", captured);
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_slot_active(cluster, slot));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Outcome outcome;
  outcome.before = positions(cluster, slot);
  for (int i = 0; i < 6; ++i) {
    cluster.exec("INSERT INTO busy SELECT generate_series(1, 2000)", "hb_other");
    if (i % 2 == 1) cluster.exec("CHECKPOINT");  // logs the running transactions, which restart_lsn moves on with
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  outcome.after = positions(cluster, slot);
  cluster.exec(end_of_stream_sql, captured);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  outcome.received = consumer.received();
  outcome.heartbeats_in_wal = std::stoi(*cluster.query_value(
      "SELECT count(*) FROM pg_logical_slot_peek_changes('" + reference + "', NULL, NULL, 'format-version', '2') "
      "WHERE data LIKE '%\"prefix\":\"popyka.heartbeat\"%'", captured));
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
  const auto outcome = run_with_writes_elsewhere("hb_captured", "hb_on", 0.3);
  INFO("before " << outcome.before.confirmed_flush << " / " << outcome.before.restart << ", after "
                 << outcome.after.confirmed_flush << " / " << outcome.after.restart);
  auto& cluster = PostgresCluster::shared();
  CHECK(lsn_less(cluster, outcome.before.confirmed_flush, outcome.after.confirmed_flush));
  CHECK(lsn_less(cluster, outcome.before.restart, outcome.after.restart));
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
  const auto outcome = run_with_writes_elsewhere("hb_captured", "hb_off", 0);
  INFO("before " << outcome.before.confirmed_flush << " / " << outcome.before.restart << ", after "
                 << outcome.after.confirmed_flush << " / " << outcome.after.restart);
  CHECK(outcome.heartbeats_in_wal == 0);
  CHECK(outcome.received.empty());
}
