// A stop request during the initial snapshot: stream_changes() returns, the slot is dropped (it
// keeps no WAL while popyka is down) and the marker stays, so the next run snapshots again. Its
// own program: a stop request lasts until the process ends.
#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <atomic>
#include <latch>
#include <memory>

#include "background_stream.hpp"
#include "runtime/stop_signal.hpp"
#include "source/replication/slot/replication_slot.hpp"
#include "wait_until.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {
// Holds the pipeline thread at the first row until released: the one reader then fills its
// queue and stays inside the first table, whatever the machine's speed.
struct HeldConsumer : RecordingConsumer {
  void consume(std::string_view json, sdk::Lsn lsn) override {
    RecordingConsumer::consume(json, lsn);
    if (first_seen.exchange(true)) return;
    first.count_down();
    release.wait();
  }
  std::atomic<bool> first_seen{false};
  std::latch first{1};
  std::latch release{1};
};

// `LOCK TABLE … IN ACCESS EXCLUSIVE MODE` in a transaction left open until destroyed.
class TableLock {
 public:
  TableLock(const PostgresCluster& cluster, const std::string& table)
      : connection_(PQconnectdb(cluster.dsn().c_str()), PQfinish) {
    std::unique_ptr<PGresult, void (*)(PGresult*)> result(
        PQexec(connection_.get(), ("BEGIN; LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE").c_str()), PQclear);
    REQUIRE(PQresultStatus(result.get()) == PGRES_COMMAND_OK);
  }

 private:
  std::unique_ptr<PGconn, void (*)(PGconn*)> connection_;
};
}  // namespace

TEST_CASE("a stop during the initial snapshot drops the slot and keeps the marker") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE snap_stop(id int PRIMARY KEY); INSERT INTO snap_stop SELECT generate_series(1, 20000)");
  auto spec = database_spec(cluster, "snap_stop");
  spec.snapshot = config::DatabaseSpec::Snapshot::initial;
  StoppingConsumer consumer(1000);
  BackgroundStream stream(spec, consumer);
  REQUIRE(stream.wait() == BackgroundStream::Ending::returned);
  CHECK(consumer.received().size() < 20000);
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'snap_stop'") == "0");
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" +
                            source::replication::ReplicationSlot::snapshot_marker_name("snap_stop") + "'") == "1");
  // popyka-host --drop-slot then removes the marker too.
  source::drop_slot(spec);
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" +
                            source::replication::ReplicationSlot::snapshot_marker_name("snap_stop") + "'") == "0");
}

TEST_CASE("a stop while a snapshot reader waits for a lock is not held up by that lock") {
  auto& cluster = PostgresCluster::shared();
  // More R rows in the first table than the reader's queue holds (about 1 MB).
  cluster.exec("CREATE TABLE lock_first(id int PRIMARY KEY, pad text);"
               "INSERT INTO lock_first SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g;"
               "CREATE TABLE lock_second(id int PRIMARY KEY); INSERT INTO lock_second VALUES (1)");
  auto spec = database_spec(cluster, "snap_locked");
  spec.snapshot = config::DatabaseSpec::Snapshot::initial;
  spec.snapshot_parallelism = 1;
  HeldConsumer consumer;
  BackgroundStream stream(spec, consumer);
  consumer.first.wait();
  const TableLock lock(cluster, "lock_second");  // destroyed first: a failed check does not hang
  consumer.release.count_down();
  REQUIRE(wait_until([&] {
    return cluster.query_value("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND query LIKE 'COPY %lock_second%'") == "1";
  }));
  runtime::request_stop();
  REQUIRE(stream.wait() == BackgroundStream::Ending::returned);  // the lock is still held
  CHECK(consumer.received().size() < 20001);
}
