// Incremental snapshots against a real PostgreSQL: a table read in chunks beside the stream while
// a writer changes it, and a snapshot that resumes at its last chunk after the connection drops.
#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "background_stream.hpp"
#include "wait_until.hpp"
#include "decode/wal2json_decoder.hpp"
#include "metrics/metrics_registry.hpp"
#include "popyka/sdk/change.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// Records as RecordingConsumer does, and counts the R rows that say they come from an incremental
// snapshot.
class SnapshotRowsConsumer : public RecordingConsumer {
 public:
  void consume_decoded(decode::DecodedChange& change, std::size_t) override {
    if (change.action() == sdk::Action::Read) {
      std::lock_guard lock(mutex_);
      if (change.snapshot_origin() == decode::DecodedChange::SnapshotOrigin::incremental) ++incremental_rows_;
    }
    consume(change.json(), change.lsn());
  }
  std::size_t incremental_rows() const {
    std::lock_guard lock(mutex_);
    return incremental_rows_;
  }

 private:
  mutable std::mutex mutex_;
  std::size_t incremental_rows_ = 0;
};

std::string row_text(std::span<const sdk::Column> columns) {
  std::string text;
  for (const auto& column : columns) text += std::string(column.name) + "=" + std::string(column.value.json()) + "|";
  return text;
}

std::string id_of(std::span<const sdk::Column> columns) {
  for (const auto& column : columns)
    if (column.name == "id") return std::string(column.value.json());
  throw std::runtime_error("no id column");
}

struct Applied {
  std::map<std::string, std::string> rows;  // id -> row, as a consumer mirroring the table has it
  std::size_t r_rows = 0;
  std::set<std::string> r_keys;
};

// Applies every change of `table` in the order the consumer got them.
Applied apply_changes(const std::vector<ReceivedMessage>& messages, std::string_view table) {
  Applied applied;
  decode::Wal2JsonDecoder decoder;
  for (const auto& message : messages) {
    const auto& change = decoder.decode(message.json, message.lsn);
    if (change.table() != table) continue;
    switch (change.action()) {
      case sdk::Action::Read:
        ++applied.r_rows;
        applied.r_keys.insert(id_of(change.columns()));
        applied.rows[id_of(change.columns())] = row_text(change.columns());
        break;
      case sdk::Action::Insert:
        applied.rows[id_of(change.columns())] = row_text(change.columns());
        break;
      case sdk::Action::Update:
        if (!change.identity().empty()) applied.rows.erase(id_of(change.identity()));
        applied.rows[id_of(change.columns())] = row_text(change.columns());
        break;
      case sdk::Action::Delete:
        applied.rows.erase(id_of(change.identity()));
        break;
      default:
        break;
    }
  }
  return applied;
}

// The table as PostgreSQL prints it, in the same form.
std::map<std::string, std::string> contents(const PostgresCluster& cluster, const std::string& table) {
  std::map<std::string, std::string> rows;
  for (const auto& row : cluster.query("SELECT id::text, 'id=' || id || '|v=' || to_json(v)::text || '|n=' || n || '|' FROM " + table)) {
    rows.emplace(*row[0], *row[1]);
  }
  return rows;
}

// About 1,000 inserts, updates (some of the key) and deletes a second on `table` until stopped
// (10 rows a transaction).
class Writer {
 public:
  Writer(const PostgresCluster& cluster, std::string table, int rows)
      : table_(std::move(table)), rows_(rows), connection_(PQconnectdb(cluster.dsn().c_str())), thread_([this] { run(); }) {}
  ~Writer() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (connection_) PQfinish(connection_), connection_ = nullptr;
  }
  int transactions() const { return transactions_; }
  const std::string& error() const { return error_; }

 private:
  void run() {
    for (int i = 0; !stop_; ++i) {
      const std::string n = std::to_string(i);
      const auto some = [&](int prime) { return std::to_string(1 + (i * prime) % rows_); };
      // Updates spread over the table, so that some land in the chunk being read.
      std::string spread;
      for (int k = 0; k < 8; ++k) spread += std::string(k ? "," : "") + std::to_string(1 + (i * 37 + k * rows_ / 8) % rows_);
      std::string sql = "BEGIN;INSERT INTO " + table_ + " VALUES (" + std::to_string(rows_ + 1 + i) + ", 'new " + n + "', " + n + ");"
                        "UPDATE " + table_ + " SET v = v || ' u', n = n + 1 WHERE id IN (" + spread + ");"
                        "DELETE FROM " + table_ + " WHERE id = " + some(53) + ";";
      if (i % 5 == 0) sql += "UPDATE " + table_ + " SET id = " + std::to_string(10 * rows_ + i) + " WHERE id = " + some(71) + ";";
      sql += "COMMIT";
      PGresult* result = PQexec(connection_, sql.c_str());
      if (PQresultStatus(result) != PGRES_COMMAND_OK) error_ = PQresultErrorMessage(result);
      PQclear(result);
      if (!error_.empty()) return;
      ++transactions_;
      std::this_thread::sleep_for(std::chrono::milliseconds(8));
    }
  }

  std::string table_;
  int rows_;
  PGconn* connection_;
  std::atomic<bool> stop_{false};
  std::atomic<int> transactions_{0};
  std::string error_;
  std::thread thread_;
};

std::string signal_sql(const std::string& table) {
  return "SELECT pg_logical_emit_message(false, 'popyka.signal', '{\"data-collections\": [\"" + table +
         "\"], \"type\": \"incremental\"}')";
}

bool table_done(const std::string& table) {
  return metrics::registry().incremental_snapshot.table(table).state.value() == metrics::SnapshotTable::done;
}

void create_table(const PostgresCluster& cluster, const std::string& table, int rows) {
  cluster.exec("CREATE TABLE " + table + "(id int PRIMARY KEY, v text NOT NULL, n int NOT NULL);"
               "INSERT INTO " + table + " SELECT g, 'row ' || g || E' \"q\" \\\\', g FROM generate_series(1, " +
               std::to_string(rows) + ") g; ANALYZE " + table);
}

// Snapshots `table` (`rows` rows, chunks of `chunk`) while a writer changes it; at the end the
// consumer's mirror of the table equals the table.
void snapshot_under_writes(const std::string& table, int rows, int chunk) {
  auto& cluster = PostgresCluster::shared();
  create_table(cluster, table, rows);
  auto spec = database_spec(cluster, table + "_slot");
  spec.snapshot_chunk_size = chunk;
  SnapshotRowsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  Writer writer(cluster, table, rows);
  REQUIRE(wait_until([&] { return writer.transactions() >= 20; }));
  cluster.exec(signal_sql("public." + table));
  REQUIRE(wait_until([&] { return table_done("public." + table); }));
  const int after_snapshot = writer.transactions();
  REQUIRE(wait_until([&] { return writer.transactions() >= after_snapshot + 20; }));
  writer.stop();
  REQUIRE(writer.error().empty());
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  const Applied applied = apply_changes(consumer.received(), table);
  const auto expected = contents(cluster, table);
  INFO("writer transactions: " << writer.transactions() << ", R rows: " << applied.r_rows);
  CHECK(applied.r_rows > 0);
  CHECK(applied.r_rows == applied.r_keys.size());  // each key read once
  CHECK(consumer.incremental_rows() == applied.r_rows);  // every R row says it is incremental
  const auto chunks = metrics::registry().incremental_snapshot.table("public." + table).chunks.value();
  CHECK(chunks >= rows / chunk);
  CHECK(chunks <= (rows + writer.transactions()) / chunk + 1);
  std::size_t mismatches = 0;
  for (const auto& [key, row] : expected) {
    auto it = applied.rows.find(key);
    if ((it == applied.rows.end() || it->second != row) && ++mismatches <= 5) {
      FAIL_CHECK(key << ": expected " << row << ", the consumer has " << (it == applied.rows.end() ? "nothing" : it->second));
    }
  }
  for (const auto& [key, row] : applied.rows) {
    if (!expected.contains(key) && ++mismatches <= 10) FAIL_CHECK(key << ": gone from the table, the consumer has " << row);
  }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("incremental snapshot of a table under ~1,000 writes a second: the consumer ends with the table's rows") {
  snapshot_under_writes("inc_writes", 30000, 1024);
}

TEST_CASE("incremental snapshot under writes, short", "[matrix]") { snapshot_under_writes("inc_short", 3000, 256); }

TEST_CASE("incremental snapshot: a dropped connection resumes at the last chunk, at most one chunk read twice") {
  auto& cluster = PostgresCluster::shared();
  const std::string table = "inc_resume";
  constexpr int rows = 6000, chunk = 300;
  create_table(cluster, table, rows);
  auto spec = database_spec(cluster, "inc_resume_slot");
  spec.snapshot_chunk_size = chunk;
  SnapshotRowsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  cluster.exec(signal_sql("public." + table));
  auto& progress = metrics::registry().incremental_snapshot.table("public." + table);
  REQUIRE(wait_until([&] { return progress.rows.value() >= rows / 3; }));
  // The walsender goes: the stream reconnects, and the server sends the current low watermark again.
  cluster.exec("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'inc_resume_slot'");
  REQUIRE(wait_until([&] { return table_done("public." + table); }));
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  const Applied applied = apply_changes(consumer.received(), table);
  CHECK(applied.r_keys.size() == rows);
  INFO("R rows: " << applied.r_rows);
  CHECK(applied.r_rows <= applied.r_keys.size() + chunk);  // one chunk read twice at most
  CHECK(applied.rows == contents(cluster, table));
  CHECK(metrics::registry().reconnects.value() >= 1);
}
