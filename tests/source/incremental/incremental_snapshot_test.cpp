// Incremental snapshots against a real PostgreSQL: a table read in chunks beside the stream while
// a writer changes it, and a snapshot that resumes at its last chunk after the connection drops.
#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "background_stream.hpp"
#include "background_writer.hpp"
#include "log_capture.hpp"
#include "wait_until.hpp"
#include "decode/wal2json_decoder.hpp"
#include "metrics/metrics_registry.hpp"
#include "popyka/sdk/change.hpp"
#include "source/replication/slot/replication_slot.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// Records as RecordingConsumer does, and counts the R rows that say they come from an incremental
// snapshot.
class SnapshotRowsConsumer : public RecordingConsumer {
 public:
  explicit SnapshotRowsConsumer(bool asynchronous = false) : RecordingConsumer(asynchronous) {}
  // Called on the stream's thread with each incremental R row's count, after the row.
  std::function<void(std::size_t)> after_incremental_row;

  void consume_decoded(decode::DecodedChange& change, std::size_t) override {
    std::size_t incremental = 0;
    if (change.action() == sdk::Action::Read) {
      std::lock_guard lock(mutex_);
      if (change.snapshot_origin() == decode::DecodedChange::SnapshotOrigin::incremental) incremental = ++incremental_rows_;
    }
    consume(change.json(), change.lsn());
    if (incremental > 0 && after_incremental_row) after_incremental_row(incremental);
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

// About 1,000 inserts, updates (spread over the table, some of the key) and deletes a second on
// `table` of `rows` rows, 10 rows a transaction 8 ms apart; with `big`, every 20th transaction
// also updates 1,000 rows (streamed while it runs, with pgoutput's streaming and a small
// logical_decoding_work_mem).
std::function<std::string(int)> writer_transactions(std::string table, int rows, bool big = false) {
  return [table = std::move(table), rows, big](int i) {
    const std::string n = std::to_string(i);
    const auto some = [&](int prime) { return std::to_string(1 + (i * prime) % rows); };
    // Updates spread over the table, so that some land in the chunk being read.
    std::string spread;
    for (int k = 0; k < 8; ++k) spread += std::string(k ? "," : "") + std::to_string(1 + (i * 37 + k * rows / 8) % rows);
    std::string sql = "BEGIN;INSERT INTO " + table + " VALUES (" + std::to_string(rows + 1 + i) + ", 'new " + n + "', " + n + ");"
                      "UPDATE " + table + " SET v = v || ' u', n = n + 1 WHERE id IN (" + spread + ");"
                      "DELETE FROM " + table + " WHERE id = " + some(53) + ";";
    if (big && i % 20 == 0) sql += "UPDATE " + table + " SET n = n + 1 WHERE id <= 1000;";
    if (i % 5 == 0) sql += "UPDATE " + table + " SET id = " + std::to_string(10 * rows + i) + " WHERE id = " + some(71) + ";";
    return sql + "COMMIT";
  };
}

std::string signal_sql(const std::string& table) {
  return "SELECT pg_logical_emit_message(false, 'popyka.signal', '{\"data-collections\": [\"" + table +
         "\"], \"type\": \"incremental\"}')";
}

// A Debezium-shaped signal as a popyka.signal message.
std::string signal_sql(const std::string& id, const std::string& type, const std::string& data) {
  return "SELECT pg_logical_emit_message(false, 'popyka.signal', '{\"id\": \"" + id + "\", \"type\": \"" + type +
         "\", \"data\": " + data + "}')";
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
// With `big_transactions` and pgoutput, big transactions are streamed while they run (pgoutput's
// `streaming`): their changes come at their commit, some of them to keys of a chunk.
void snapshot_under_writes(const std::string& table, int rows, int chunk, bool big_transactions = false) {
  auto& cluster = PostgresCluster::shared();
  create_table(cluster, table, rows);
  auto spec = database_spec(cluster, table + "_slot");
  spec.snapshot_chunk_size = chunk;
  if (big_transactions && spec.output_plugin == config::DatabaseSpec::OutputPlugin::pgoutput) {
    spec.streaming = true;
    spec.connect_url += " options='-c logical_decoding_work_mem=64kB'";
  }
  SnapshotRowsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  BackgroundWriter writer(cluster, writer_transactions(table, rows, big_transactions), std::chrono::milliseconds(8));
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

TEST_CASE("incremental snapshot under writes and big transactions (streamed with pgoutput)", "[matrix]") {
  snapshot_under_writes("inc_big", 3000, 256, /*big_transactions=*/true);
}

TEST_CASE("incremental snapshot: a dropped connection resumes at the last chunk, at most one chunk read twice") {
  auto& cluster = PostgresCluster::shared();
  const std::string table = "inc_resume";
  constexpr int rows = 6000, chunk = 300;
  create_table(cluster, table, rows);
  auto spec = database_spec(cluster, "inc_resume_slot");
  spec.snapshot_chunk_size = chunk;
  SnapshotRowsConsumer consumer;
  // The walsender goes in the middle of the snapshot, from the stream's own thread (a snapshot
  // this size can end before a test thread's poll sees it start): the stream reconnects, and
  // the server sends the current low watermark again.
  consumer.after_incremental_row = [&](std::size_t row) {
    if (row == rows / 3)
      cluster.exec("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'inc_resume_slot'");
  };
  const auto reconnects_before = metrics::registry().reconnects.value();
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  cluster.exec(signal_sql("public." + table));
  REQUIRE(wait_until([&] { return table_done("public." + table); }));
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  const Applied applied = apply_changes(consumer.received(), table);
  CHECK(applied.r_keys.size() == rows);
  INFO("R rows: " << applied.r_rows);
  CHECK(applied.r_rows <= applied.r_keys.size() + chunk);  // one chunk read twice at most
  CHECK(applied.rows == contents(cluster, table));
  CHECK(metrics::registry().reconnects.value() > reconnects_before);
}

TEST_CASE("incremental snapshot: a table without a primary key, an unknown table and a malformed condition are refused by name, the rest is read") {
  auto& cluster = PostgresCluster::shared();
  create_table(cluster, "inc_ok", 50);
  cluster.exec("CREATE TABLE inc_nopk(id int, v text); INSERT INTO inc_nopk VALUES (1, 'a')");
  create_table(cluster, "inc_filtered", 10);
  LogCapture log;
  auto spec = database_spec(cluster, "inc_refusals_slot");
  SnapshotRowsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  cluster.exec(signal_sql("sig-filter", "execute-snapshot",
                          R"({"data-collections": ["public.inc_filtered"], "type": "incremental", )"
                          R"("additional-conditions": [{"data-collection": "public.inc_filtered", "filter": "no_such_column = 1"}]})"));
  cluster.exec(signal_sql("sig-refuse", "execute-snapshot",
                          R"({"data-collections": ["public.inc_nopk", "public.nothing_here", "public.inc_ok"], "type": "incremental"})"));
  REQUIRE(wait_until([&] { return table_done("public.inc_ok"); }));
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  CHECK(log.count("signal sig-refuse: refused: table public.inc_nopk has no primary key") == 1);
  CHECK(log.contains("add a primary key"));
  CHECK(log.count("signal sig-refuse: refused: no table public.nothing_here") == 1);
  CHECK(log.count("signal sig-filter: refused: the condition for public.inc_filtered is not valid") == 1);
  CHECK(log.contains("no_such_column"));
  CHECK(apply_changes(consumer.received(), "inc_ok").r_rows == 50);
  CHECK(apply_changes(consumer.received(), "inc_filtered").r_rows == 0);
  CHECK(apply_changes(consumer.received(), "inc_nopk").r_rows == 0);
}

TEST_CASE("incremental snapshot: a condition limits the rows, a regular expression names tables") {
  auto& cluster = PostgresCluster::shared();
  create_table(cluster, "inc_re_a", 40);
  create_table(cluster, "inc_re_b", 30);
  auto spec = database_spec(cluster, "inc_regex_slot");
  spec.snapshot_chunk_size = 16;
  SnapshotRowsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  cluster.exec(signal_sql("sig-re", "execute-snapshot",
                          R"({"data-collections": ["public\\.inc_re_.*"], "type": "incremental", )"
                          R"("additional-conditions": [{"data-collection": "public.inc_re_a", "filter": "n % 2 = 0"}]})"));
  REQUIRE(wait_until([&] { return table_done("public.inc_re_a") && table_done("public.inc_re_b"); }));
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  CHECK(apply_changes(consumer.received(), "inc_re_a").r_rows == 20);
  CHECK(apply_changes(consumer.received(), "inc_re_b").r_rows == 30);
  CHECK(metrics::registry().incremental_snapshot.table("public.inc_re_b").chunks.value() == 2);
}

TEST_CASE("incremental snapshot: stop-snapshot drops the table, no further chunk is read") {
  auto& cluster = PostgresCluster::shared();
  constexpr int rows = 2000;
  create_table(cluster, "inc_stop", rows);
  LogCapture log;
  auto spec = database_spec(cluster, "inc_stop_slot");
  spec.snapshot_chunk_size = 50;
  SnapshotRowsConsumer consumer(/*asynchronous=*/true);  // slow deliveries: the stop comes mid-snapshot
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  cluster.exec(signal_sql("public.inc_stop"));
  auto& progress = metrics::registry().incremental_snapshot.table("public.inc_stop");
  REQUIRE(wait_until([&] { return progress.rows.value() >= 100; }));
  cluster.exec(signal_sql("sig-stop", "stop-snapshot", R"({"data-collections": ["public.inc_stop"], "type": "incremental"})"));
  REQUIRE(wait_until([&] { return metrics::registry().incremental_snapshot.running.value() == 0; }));
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  CHECK(log.contains("stop signal sig-stop"));
  const auto read = apply_changes(consumer.received(), "inc_stop").r_rows;
  CHECK(read >= 100);
  CHECK(read < rows / 2);
}

TEST_CASE("database.snapshot: incremental reads the tables beside the stream once popyka-host creates the slot") {
  auto& cluster = PostgresCluster::shared();
  create_table(cluster, "inc_auto", 700);
  auto spec = database_spec(cluster, "inc_auto_slot");
  spec.snapshot = config::DatabaseSpec::Snapshot::incremental;
  spec.snapshot_tables = {"public.inc_auto"};
  spec.snapshot_chunk_size = 256;
  SnapshotRowsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until([&] { return table_done("public.inc_auto"); }));
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  const Applied applied = apply_changes(consumer.received(), "inc_auto");
  CHECK(applied.r_rows == 700);
  CHECK(applied.rows == contents(cluster, "inc_auto"));
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" +
                            source::replication::ReplicationSlot::snapshot_marker_name("inc_auto_slot") + "'") == "0");
}

TEST_CASE("incremental snapshot: a row inserted into database.signal_table starts one, and never reaches the consumer", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  create_table(cluster, "inc_signalled", 300);
  cluster.exec("CREATE TABLE inc_signals(id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))");
  auto spec = database_spec(cluster, "inc_signal_table_slot");
  spec.signal_table = "public.inc_signals";
  SnapshotRowsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  cluster.exec(R"(INSERT INTO inc_signals VALUES ('ad-hoc-1', 'execute-snapshot', )"
               R"('{"data-collections": ["public.inc_signalled"], "type": "incremental"}'))");
  REQUIRE(wait_until([&] { return table_done("public.inc_signalled"); }));
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  CHECK(apply_changes(consumer.received(), "inc_signalled").r_rows == 300);
  for (const auto& message : consumer.received()) {
    if (message.json.find(R"("table":"inc_signals")") != std::string::npos) FAIL("a signal row was handed on: " << message.json);
  }
}

namespace {

// RecordingConsumer's slow deliveries (one completes per poll()), keeping the LSNs of the R rows
// not done yet.
class PendingRowsConsumer : public SnapshotRowsConsumer {
 public:
  PendingRowsConsumer() : SnapshotRowsConsumer(/*asynchronous=*/true) {}
  void consume_decoded(decode::DecodedChange& change, std::size_t bytes) override {
    if (change.action() == sdk::Action::Read) {
      std::lock_guard lock(mutex_);
      pending_rows_.insert(change.lsn());
    }
    SnapshotRowsConsumer::consume_decoded(change, bytes);
  }
  void poll(std::chrono::milliseconds wait) override {
    SnapshotRowsConsumer::poll(wait);
    const sdk::Lsn done = checkpoint();
    std::lock_guard lock(mutex_);
    pending_rows_.erase(pending_rows_.begin(), pending_rows_.upper_bound(done));
  }
  // The lowest LSN of an R row not done yet.
  std::optional<sdk::Lsn> lowest_pending_row() const {
    std::lock_guard lock(mutex_);
    if (pending_rows_.empty()) return std::nullopt;
    return *pending_rows_.begin();
  }

 private:
  mutable std::mutex mutex_;
  std::multiset<sdk::Lsn> pending_rows_;
};

sdk::Lsn lsn_of(const std::string& text) {
  const auto slash = text.find('/');
  return (std::stoull(text.substr(0, slash), nullptr, 16) << 32) | std::stoull(text.substr(slash + 1), nullptr, 16);
}

}  // namespace

TEST_CASE("incremental snapshot: the slot is never confirmed past an R row that is not done", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  create_table(cluster, "inc_pending", 240);
  auto spec = database_spec(cluster, "inc_pending_slot");
  spec.snapshot_chunk_size = 80;
  PendingRowsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  cluster.exec(signal_sql("public.inc_pending"));
  std::size_t samples = 0, with_rows_pending = 0;
  REQUIRE(wait_until([&] {
    // The server's confirmed position first: an R row pending now was pending then too.
    const sdk::Lsn confirmed = lsn_of(*cluster.query_value(
        "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'inc_pending_slot'"));
    if (const auto pending = consumer.lowest_pending_row()) {
      ++with_rows_pending;
      if (confirmed >= *pending) FAIL("confirmed " << sdk::format_lsn(confirmed) << ", an R row at " << sdk::format_lsn(*pending) << " not done");
    }
    ++samples;
    return table_done("public.inc_pending");
  }));
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  INFO("samples: " << samples);
  CHECK(with_rows_pending > 0);
  CHECK(apply_changes(consumer.received(), "inc_pending").r_rows == 240);
}
