// database.streaming: pgoutput streams big transactions while they run; popyka spools each and
// hands it on at its commit exactly as the same transaction comes without streaming. Each test
// writes its workload once, with two pgoutput slots on the same WAL, one read without streaming,
// one with, and compares what the consumer gets from each, message for message (text and LSN).
//
// Streaming is forced on every major: debug_logical_replication_streaming = immediate from 16 on
// (every change streamed at once), a 64 kB logical_decoding_work_mem on 14 and 15 (the largest
// transaction streamed whenever the decoded changes exceed it); each transaction here is larger.
#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "metrics/metrics_registry.hpp"
#include "log_capture.hpp"
#include "plugin_comparison.hpp"
#include "wait_until.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// An ordinary connection of the test's own, for transactions left open while others run.
class Connection {
 public:
  explicit Connection(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str()), PQfinish) {
    REQUIRE(PQstatus(conn_.get()) == CONNECTION_OK);
  }
  void exec(const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn_.get(), sql.c_str()), PQclear);
    INFO(sql << ": " << PQerrorMessage(conn_.get()));
    REQUIRE((PQresultStatus(result.get()) == PGRES_COMMAND_OK || PQresultStatus(result.get()) == PGRES_TUPLES_OK));
  }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

// Rows `from`..`to` into `table` (id int, v text), each ~120 bytes: 1000 of them exceed 64 kB.
std::string insert_rows(const std::string& table, int from, int to) {
  return "INSERT INTO " + table + " SELECT i, repeat(md5(i::text), 3) FROM generate_series(" + std::to_string(from) +
         ", " + std::to_string(to) + ") i";
}

// What makes the walsender stream every transaction of these tests, with `more` settings.
std::string force_streaming(const PostgresCluster& cluster, const std::string& more = "") {
  return cluster.major() >= 16 ? " options='-c debug_logical_replication_streaming=immediate" + more + "'"
                               : " options='-c logical_decoding_work_mem=64kB" + more + "'";
}

const std::vector<std::string> two_tables = {"CREATE TABLE t1(id int PRIMARY KEY, v text)",
                                             "CREATE TABLE t2(id int PRIMARY KEY, v text)"};

void create_slot(const PostgresCluster& cluster, const std::string& db, const std::string& slot) {
  cluster.exec("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')", db);
}

// A new database `db` with tables t1 and t2, a publication of every table, and a pgoutput slot
// for each of `slots`.
void prepare_database(const std::string& db, const std::vector<std::string>& slots) {
  auto& cluster = PostgresCluster::shared();
  cluster.create_database(db);
  for (const auto& statement : two_tables) cluster.exec(statement, db);
  cluster.exec("CREATE PUBLICATION popyka FOR ALL TABLES", db);
  for (const auto& slot : slots) create_slot(cluster, db, slot);
}

struct Streams {
  std::vector<ReceivedMessage> plain;     // the slot read without streaming
  std::vector<ReceivedMessage> streamed;  // the slot read with database.streaming
  long streamed_transactions = 0;         // pg_stat_replication_slots.stream_txns of the second
};

// In a new database (prepare_database()): two pgoutput slots, `workload` run on them, both read up
// to the end-of-stream message, the second with streaming and `spool_memory_mb`.
Streams stream_both_ways(const std::string& db, const std::function<void(const std::string& dsn)>& workload,
                         std::int64_t spool_memory_mb = 64) {
  auto& cluster = PostgresCluster::shared();
  const std::string plain_slot = db + "_plain", streamed_slot = db + "_streamed";
  prepare_database(db, {plain_slot, streamed_slot});
  workload(cluster.dsn("postgres", "", db));
  cluster.exec(end_of_stream_sql, db);

  Streams streams;
  streams.plain = stream_slot(spec_for(cluster, db, plain_slot, Plugin::pgoutput));
  auto spec = spec_for(cluster, db, streamed_slot, Plugin::pgoutput);
  spec.streaming = true;
  spec.spool_memory_mb = spool_memory_mb;
  spec.connect_url += force_streaming(cluster);
  streams.streamed = stream_slot(spec);
  // The walsender reports its decoding statistics as it goes and when it exits.
  wait_until([&] {
    streams.streamed_transactions = std::stol(
        cluster.query_value("SELECT stream_txns FROM pg_stat_replication_slots WHERE slot_name = '" + streamed_slot + "'", db)
            .value_or("0"));
    return streams.streamed_transactions > 0;
  });
  for (const auto& slot : {plain_slot, streamed_slot}) drop_slot_when_free(cluster, slot);
  return streams;
}

// Byte for byte and LSN for LSN what the transactions give without streaming.
void check_same(const Streams& streams) {
  CHECK(streams.streamed_transactions > 0);
  REQUIRE(streams.streamed.size() == streams.plain.size());
  for (std::size_t i = 0; i < streams.plain.size(); ++i) {
    INFO("message " << i << "\nplain:    " << streams.plain[i].json << "\nstreamed: " << streams.streamed[i].json);
    CHECK(streams.streamed[i].json == streams.plain[i].json);
    CHECK(sdk::format_lsn(streams.streamed[i].lsn) == sdk::format_lsn(streams.plain[i].lsn));
  }
}

std::size_t count_containing(const std::vector<ReceivedMessage>& messages, const std::string& text) {
  std::size_t count = 0;
  for (const auto& message : messages) count += message.json.find(text) != std::string::npos;
  return count;
}


}  // namespace

TEST_CASE("streaming: a committed streamed transaction reaches the consumer as without streaming", "[matrix]") {
  // About 1.6 MB of messages: spool_memory_mb 64 keeps them in memory, 1 the first MB of them
  // (then the file), 0 none.
  for (std::int64_t memory_mb : {64, 1, 0}) {
    INFO("spool_memory_mb " << memory_mb);
    const auto streams = stream_both_ways("streaming_commit_" + std::to_string(memory_mb), [](const std::string& dsn) {
      Connection db(dsn);
      db.exec("BEGIN");
      db.exec(insert_rows("t1", 1, 12000));
      db.exec("UPDATE t1 SET v = 'updated' WHERE id <= 10");
      db.exec("DELETE FROM t1 WHERE id > 11990");
      db.exec("SELECT pg_logical_emit_message(true, 'pfx', 'inside')");
      db.exec("ALTER TABLE t1 ADD COLUMN n int DEFAULT 7");  // a second Relation message, in its place
      db.exec("INSERT INTO t1 VALUES (50000, 'after the alter', 8)");
      db.exec("COMMIT");
      db.exec(insert_rows("t2", 1, 5));  // small: not streamed on 14 and 15
    }, memory_mb);
    check_same(streams);
    CHECK(count_containing(streams.streamed, R"("table":"t1")") == 12000 + 10 + 10 + 1);
    CHECK(count_containing(streams.streamed, R"("content":"inside")") == 1);
    CHECK(count_containing(streams.streamed, R"({"name":"n","type":"integer","value":8})") == 1);
  }
}

TEST_CASE("streaming: an aborted streamed transaction reaches no one", "[matrix]") {
  const auto streams = stream_both_ways("streaming_abort", [](const std::string& dsn) {
    Connection db(dsn);
    db.exec("BEGIN");
    db.exec(insert_rows("t1", 1, 3000));
    db.exec("ROLLBACK");
    db.exec(insert_rows("t2", 1, 3000));
  });
  check_same(streams);
  CHECK(count_containing(streams.streamed, R"("table":"t1")") == 0);
  CHECK(count_containing(streams.streamed, R"("table":"t2")") == 3000);
}

TEST_CASE("streaming: a savepoint rolled back inside a streamed transaction drops its changes only", "[matrix]") {
  // spool_memory_mb 0: the rollback cuts the spool's file; 64: its memory.
  for (std::int64_t memory_mb : {64, 0}) {
    INFO("spool_memory_mb " << memory_mb);
    const auto streams = stream_both_ways("streaming_savepoint_" + std::to_string(memory_mb), [](const std::string& dsn) {
      Connection db(dsn);
      db.exec("BEGIN");
      db.exec(insert_rows("t1", 1, 2000));
      db.exec("SAVEPOINT a");
      // t2's first change in the transaction: its Relation message comes in the subtransaction
      // and goes with it; pgoutput sends it again with the next change of t2.
      db.exec(insert_rows("t2", 1, 2000));
      db.exec("SAVEPOINT b");
      db.exec(insert_rows("t1", 10001, 12000));
      db.exec("ROLLBACK TO SAVEPOINT a");
      db.exec(insert_rows("t2", 20001, 22000));
      db.exec("SAVEPOINT c");
      db.exec(insert_rows("t1", 30001, 30010));
      db.exec("RELEASE SAVEPOINT c");
      db.exec("COMMIT");
    }, memory_mb);
    check_same(streams);
    CHECK(count_containing(streams.streamed, R"("table":"t1")") == 2000 + 10);
    CHECK(count_containing(streams.streamed, R"("table":"t2")") == 2000);
    CHECK(count_containing(streams.streamed, R"("value":10001,)") == 0);
  }
}

TEST_CASE("streaming: two streamed transactions interleaved come whole, in commit order", "[matrix]") {
  const auto streams = stream_both_ways("streaming_interleaved", [](const std::string& dsn) {
    Connection first(dsn), second(dsn);
    first.exec("BEGIN");
    second.exec("BEGIN");
    for (int round = 0; round < 3; ++round) {
      first.exec(insert_rows("t1", round * 2000 + 1, round * 2000 + 2000));
      second.exec(insert_rows("t2", round * 2000 + 1, round * 2000 + 2000));
    }
    second.exec("COMMIT");
    first.exec("COMMIT");
  });
  check_same(streams);
  const auto& received = streams.streamed;
  REQUIRE(received.size() == 2 * (6000 + 2));
  // The second transaction, committed first, comes first and whole.
  CHECK(count_containing({received.begin(), received.begin() + 6002}, R"("table":"t2")") == 6000);
  CHECK(count_containing({received.begin() + 6002, received.end()}, R"("table":"t1")") == 6000);
}

TEST_CASE("streaming: an open transaction is spooled, not confirmed, and a reconnect mid-stream throws the partial "
          "spool away: the transaction comes once, whole", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  const std::string db = "streaming_reconnect", slot = "streaming_reconnect";
  prepare_database(db, {slot});
  auto spec = spec_for(cluster, db, slot, Plugin::pgoutput);
  spec.streaming = true;
  spec.connect_url += force_streaming(cluster);
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, slot));

  Connection open(cluster.dsn("postgres", "", db));
  open.exec("BEGIN");
  open.exec(insert_rows("t1", 1, 3000));
  // Streamed to popyka and spooled there, handed to no one (the metrics say so).
  auto& metrics = metrics::registry();
  REQUIRE(wait_until([&] { return metrics.streamed_transactions_open.value() == 1 && metrics.spooled_bytes.value() > 0; }));
  CHECK(consumer.received().empty());
  // Nor confirmed: WAL written elsewhere makes the server's keepalives point past the open
  // transaction, and popyka reports it has received that far, but confirms nothing of it.
  const std::string after_inserts = *cluster.query_value("SELECT pg_current_wal_lsn()", db);
  cluster.create_database(db + "_elsewhere");
  cluster.exec("CREATE TABLE busy(x int); INSERT INTO busy SELECT generate_series(1, 1000)", db + "_elsewhere");
  const std::string elsewhere = *cluster.query_value("SELECT pg_current_wal_insert_lsn()", db);
  auto reported = [&](const std::string& condition) {
    return cluster.query_value("SELECT " + condition + " FROM pg_stat_replication r JOIN pg_replication_slots s ON "
                               "r.pid = s.active_pid WHERE s.slot_name = '" + slot + "'", db);
  };
  REQUIRE(wait_until([&] { return reported("write_lsn >= '" + elsewhere + "'") == "t"; }));
  CHECK(reported("flush_lsn < '" + after_inserts + "'") == "t");
  cluster.exec("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot + "'", db);
  // The server streams the transaction again, from its start, on the next connection.
  open.exec(insert_rows("t1", 3001, 4000));
  open.exec("COMMIT");
  cluster.exec(end_of_stream_sql, db);

  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  const auto received = consumer.received();
  CHECK(received.size() == 4000 + 2);
  CHECK(count_containing(received, R"("action":"B")") == 1);
  CHECK(count_containing(received, R"("action":"I")") == 4000);
  CHECK(count_containing(received, R"({"name":"id","type":"integer","value":1},)") == 1);
  CHECK(metrics.streamed_transactions_open.value() == 0);
  CHECK(metrics.spooled_bytes.value() == 0);
  drop_slot_when_free(cluster, slot);
}

TEST_CASE("streaming: a spool past database.spool_disk_mb, or one that cannot be made, ends streaming with one error "
          "naming the key", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  const std::string db = "streaming_bounded";
  prepare_database(db, {});

  struct Case {
    std::string directory;
    std::int64_t disk_mb;
    std::string error;
  };
  for (const Case& bound : {Case{"", 1, "would take more than database.spool_disk_mb (1 MB)"},
                            Case{"/nonexistent/spool", 64, "spool file in /nonexistent/spool (No such file or directory): "
                                                           "check database.spool_directory"}}) {
    create_slot(cluster, db, "streaming_bounded");
    cluster.exec("TRUNCATE t1", db);
    cluster.exec(insert_rows("t1", 1, 12000), db);  // about 1.5 MB of messages, one transaction
    auto spec = spec_for(cluster, db, "streaming_bounded", Plugin::pgoutput);
    spec.streaming = true;
    spec.spool_memory_mb = 0;
    spec.spool_disk_mb = bound.disk_mb;
    spec.spool_directory = bound.directory;
    spec.connect_url += force_streaming(cluster);
    RecordingConsumer consumer;
    BackgroundStream stream(spec, consumer);
    REQUIRE(stream.wait() == BackgroundStream::Ending::error);
    CHECK_THAT(stream.error(), Catch::Contains(bound.error));
    CHECK(count_containing(consumer.received(), R"("action":"I")") == 0);
    drop_slot_when_free(cluster, "streaming_bounded");
  }
}

namespace {

// A processor that takes a millisecond a change.
class SlowConsumer : public RecordingConsumer {
 public:
  void consume(std::string_view json, sdk::Lsn lsn) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    RecordingConsumer::consume(json, lsn);
  }
};

}  // namespace

TEST_CASE("streaming: status updates go on while a committed streamed transaction is handed on", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  const std::string db = "streaming_status", slot = "streaming_status";
  prepare_database(db, {slot});
  cluster.exec(insert_rows("t1", 1, 3000), db);
  // Handing the 3000 changes on takes 3 s or more, all from the one Stream Commit message; a
  // walsender that hears nothing for 1 s ends the connection.
  auto spec = spec_for(cluster, db, slot, Plugin::pgoutput);
  spec.streaming = true;
  spec.connect_url += force_streaming(cluster, " -c wal_sender_timeout=1s");
  LogCapture log;
  SlowConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(consumer.wait_until([](const auto& received) { return received.size() >= 3000 + 2; }));
  // Only now: a connection the server ended during the hand-over shows once the end arrives.
  cluster.exec(end_of_stream_sql, db);
  const auto ending = stream.wait();
  INFO(stream.error());
  REQUIRE(ending == BackgroundStream::Ending::end_of_stream_message);
  CHECK(consumer.received().size() == 3000 + 2);
  CHECK_FALSE(log.contains("lost the replication connection"));
  drop_slot_when_free(cluster, slot);
}
