// database.snapshot: initial against a real PostgreSQL 15: pre-existing rows come as R changes,
// then the stream, with nothing missing or doubled even while another session writes; R values
// look exactly like wal2json's; an interrupted snapshot starts over.
#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "background_stream.hpp"
#include "background_writer.hpp"
#include "decoded_change_check.hpp"
#include "wait_until.hpp"
#include "decode/wal2json_decoder.hpp"
#include "popyka/sdk/change.hpp"
#include "metrics/metrics_registry.hpp"
#include "metrics/prometheus_text.hpp"
#include "source/replication/slot/replication_slot.hpp"
#include "source/replication/snapshot/snapshot_plan.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

config::DatabaseSpec snapshot_spec(const PostgresCluster& cluster, std::string slot, std::vector<std::string> tables) {
  auto spec = database_spec(cluster, std::move(slot));
  spec.snapshot = config::DatabaseSpec::Snapshot::initial;
  spec.snapshot_tables = std::move(tables);
  return spec;
}

// Records as RecordingConsumer does, and checks every change handed on decoded (the snapshot's
// rows; with pgoutput, the stream's changes too) against the decoder's reading of its text.
class DecodedRowsConsumer : public RecordingConsumer {
 public:
  void consume_decoded(decode::DecodedChange& change, std::size_t) override {
    {
      std::lock_guard lock(mutex_);
      if (change.action() == sdk::Action::Read) {
        ++decoded_rows_;
        positions_.push_back(change.snapshot_position());
        table_positions_.emplace_back(std::string(change.table()), change.snapshot_position());
        xids_.insert(std::string(change.snapshot_xid().json()));
      }
      if (auto difference = check_.difference(change); !difference.empty())
        differences_.push_back(difference + " in " + std::string(change.json()));
    }
    consume(change.json(), change.lsn());
  }
  // The snapshot's R rows handed on decoded.
  std::size_t decoded_rows() const {
    std::lock_guard lock(mutex_);
    return decoded_rows_;
  }
  std::vector<std::string> differences() const {
    std::lock_guard lock(mutex_);
    return differences_;
  }
  // Each R row's snapshot_position(), in the order handed on.
  std::vector<sdk::SnapshotPosition> positions() const {
    std::lock_guard lock(mutex_);
    return positions_;
  }
  // Each R row's table and snapshot_position(), in the order handed on.
  std::vector<std::pair<std::string, sdk::SnapshotPosition>> table_positions() const {
    std::lock_guard lock(mutex_);
    return table_positions_;
  }
  // The R rows' snapshot_xid()s ("" when absent).
  std::set<std::string> xids() const {
    std::lock_guard lock(mutex_);
    return xids_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<sdk::SnapshotPosition> positions_;
  std::vector<std::pair<std::string, sdk::SnapshotPosition>> table_positions_;
  std::set<std::string> xids_;
  DecodedChangeCheck check_;
  std::size_t decoded_rows_ = 0;
  std::vector<std::string> differences_;
};

// How many CTID ranges the snapshot's plan reads `table` in (PostgreSQL 14+ splits big tables).
std::size_t ranges_of(const PostgresCluster& cluster, const config::DatabaseSpec& spec, const std::string& table) {
  source::replication::ReplicationConnection connection(cluster.dsn(), /*replication=*/false);
  const auto plan = source::replication::plan_snapshot(connection, spec, spec.snapshot_parallelism);
  std::size_t ranges = 0;
  for (const auto& range : plan.ranges) ranges += plan.tables[range.table].name == table;
  return ranges;
}

// A row as `col=json value|...` in column order, from a decoded change's columns.
std::string row_text(std::span<const sdk::Column> columns) {
  std::string text;
  for (const auto& column : columns) {
    text += std::string(column.name) + "=" + std::string(column.value.json()) + "|";
  }
  return text;
}

// The value of the key column `key` among `columns`.
std::string key_of(std::span<const sdk::Column> columns, std::string_view key) {
  for (const auto& column : columns)
    if (column.name == key) return std::string(column.value.json());
  throw std::runtime_error("no key column " + std::string(key));
}

// Applies R, then I/U/D in stream order, keyed by table and the `key` column: what a consumer
// that mirrors the tables would end up with.
std::map<std::string, std::string> apply(const std::vector<ReceivedMessage>& messages, std::string_view key,
                                         std::size_t& r_rows) {
  std::map<std::string, std::string> rows;
  decode::Wal2JsonDecoder decoder;
  r_rows = 0;
  for (const auto& message : messages) {
    const auto& change = decoder.decode(message.json, message.lsn);
    const std::string table(change.table());
    switch (change.action()) {
      case sdk::Action::Read:
        ++r_rows;
        [[fallthrough]];
      case sdk::Action::Insert: {
        auto [it, inserted] = rows.emplace(table + "/" + key_of(change.columns(), key), row_text(change.columns()));
        if (!inserted) FAIL("row " << it->first << " delivered twice: " << message.json);
        break;
      }
      case sdk::Action::Update:
        if (!change.identity().empty()) rows.erase(table + "/" + key_of(change.identity(), key));
        rows[table + "/" + key_of(change.columns(), key)] = row_text(change.columns());
        break;
      case sdk::Action::Delete:
        if (rows.erase(table + "/" + key_of(change.identity(), key)) != 1) FAIL("delete of a row never seen: " << message.json);
        break;
      default:
        break;
    }
  }
  return rows;
}

// The tables' contents in the same form, printed by PostgreSQL itself: numbers and booleans
// as their text, everything else through to_json(text), which escapes as wal2json does.
std::map<std::string, std::string> contents(const PostgresCluster& cluster) {
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"snap_a", "'id=' || id || '|v=' || coalesce(to_json(v)::text, 'null') || '|n=' || coalesce(n::text, 'null') || '|'"},
      {"snap_b", "'id=' || id || '|f=' || coalesce(f::text, 'null') || '|flag=' || coalesce(flag::text, 'null') || '|'"},
      {"snap_c", "'id=' || id || '|payload=' || coalesce(to_json(payload::text)::text, 'null') || '|tags=' || "
                 "coalesce(to_json(tags::text)::text, 'null') || '|'"},
  };
  std::map<std::string, std::string> rows;
  for (const auto& [table, expression] : queries) {
    for (const auto& row : cluster.query("SELECT id::text, " + expression + " FROM " + table)) {
      rows.emplace(table + "/" + *row[0], *row[1]);
    }
  }
  return rows;
}

// Inserts, updates (the key too) and deletes in short transactions until stopped.
std::string writer_transaction(int i) {
  const std::string n = std::to_string(i);
  return "BEGIN;"
      "INSERT INTO snap_a(id, v, n) VALUES (100000 + " + n + ", 'new " + n + "', " + n + ".5);"
      "UPDATE snap_a SET v = v || ' upd', n = n + 1 WHERE id = " + std::to_string(1 + (i * 37) % 40000) + ";"
      "DELETE FROM snap_b WHERE id = " + std::to_string(1 + (i * 53) % 30000) + ";"
      "UPDATE snap_c SET id = 200000 + " + n + ", payload = '{\"moved\": " + n + "}' WHERE id = " +
      std::to_string(1 + (i * 71) % 30000) + ";"
      "INSERT INTO snap_b(id, f, flag) VALUES (300000 + " + n + ", " + n + " * 0.25, " + (i % 2 ? "true" : "false") + ");"
      "COMMIT";
}

}  // namespace

TEST_CASE("100,000 existing rows and a concurrent writer: R rows then the stream equal the tables' final contents", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE snap_a(id int PRIMARY KEY, v text, n numeric);"
               "INSERT INTO snap_a SELECT g, 'row ' || g || E' \"q\" \\\\ \\n' || repeat('p', 40), g * 1.25 FROM generate_series(1, 40000) g;"
               "CREATE TABLE snap_b(id bigint PRIMARY KEY, f float8, flag boolean);"
               "INSERT INTO snap_b SELECT g, g / 3.0, g % 2 = 0 FROM generate_series(1, 30000) g;"
               "CREATE TABLE snap_c(id int PRIMARY KEY, payload jsonb, tags text[]);"
               "INSERT INTO snap_c SELECT g, jsonb_build_object('g', g), ARRAY['a', 'b ' || g] FROM generate_series(1, 30000) g;"
               "CREATE TABLE snap_other(id int PRIMARY KEY); INSERT INTO snap_other VALUES (1)");

  auto spec = snapshot_spec(cluster, "snap_main", {"public.snap_a", "public.snap_b", "public.snap_c"});
  spec.snapshot_parallelism = 3;
  CHECK(ranges_of(cluster, spec, "public.snap_a") > 1);  // read side by side by several connections

  test::BackgroundWriter writer(cluster, writer_transaction, std::chrono::milliseconds(2));  // writes before, during and after the slot's creation and the snapshot
  REQUIRE(wait_until([&] { return writer.transactions() >= 10; }));
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, "snap_main", std::chrono::seconds(90)));  // streaming: the snapshot is done
  const int streaming_from = writer.transactions();
  REQUIRE(wait_until([&] { return writer.transactions() >= streaming_from + 20; }));
  writer.stop();
  REQUIRE(writer.error().empty());
  INFO("writer transactions: " << writer.transactions());
  CHECK(writer.transactions() > 20);
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  std::size_t r_rows = 0;
  const auto delivered = apply(consumer.received(), "id", r_rows);
  const auto expected = contents(cluster);
  CHECK(r_rows >= 100000);
  CHECK(delivered.size() == expected.size());
  std::size_t mismatches = 0;
  for (const auto& [key, row] : expected) {
    auto it = delivered.find(key);
    if (it == delivered.end() || it->second != row) {
      if (++mismatches <= 5) {
        FAIL_CHECK(key << ": expected " << row << " delivered " << (it == delivered.end() ? "nothing" : it->second));
      }
    }
  }
  CHECK(mismatches == 0);
  // snapshot_tables limits the snapshot: snap_other's row never came as R.
  for (const auto& message : consumer.received()) {
    if (message.json.find(R"("table":"snap_other")") != std::string::npos) FAIL("snap_other was read: " << message.json);
  }
  // Every R row carries the slot's consistent point; the marker is gone.
  const auto received = consumer.received();
  REQUIRE(!received.empty());
  CHECK(received.front().json.starts_with(R"({"action":"R","schema":"public","table":"snap_a","columns":[{"name":"id","type":"integer","value":)"));
  CHECK(received.front().json.ends_with(R"("pk":[{"name":"id","type":"integer"}]})"));
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" +
                            source::replication::ReplicationSlot::snapshot_marker_name("snap_main") + "'") == "0");
}

TEST_CASE("R values are formatted exactly as wal2json formats the same row") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec(R"SQL(
    CREATE TYPE "Mood" AS ENUM ('ok', 'Très bien');
    CREATE DOMAIN positive AS int CHECK (VALUE > 0);
    CREATE TABLE fmt(id int, "Odd ""name""" text, i2 int2, i4 int4, i8 int8, o oid, f4 float4, f8 float8,
      f8nan float8, f8inf float8, nm numeric(20, 5), nmbig numeric, nmnan numeric, b bool, by bytea, t text,
      vc varchar(10), ch char(5), ts timestamptz, d date, iv interval, js json, jb jsonb, ia int[], ta text[],
      u uuid, m money, dom positive, mood "Mood", moods "Mood"[], nul text, PRIMARY KEY (id, i4));
    SET TimeZone = 'UTC')SQL");
  const std::string values =
      R"SQL(1, 'odd', -32768, 2147483647, -9223372036854775808, 4294967295, 1.5e-10, 0.1, 'NaN', '-Infinity',
      123456789012345.12345, 123456789012345678901234567890.000000001, 'NaN', true, E'\\x00ff41',
      E'quote " backslash \\ nl \n tab \t cr \r bell \007 żółć 🎉', 'short', 'ab', '2024-02-29 12:34:56.789+05',
      '2024-01-01', '1 year 2 mons 3 days 04:05:06.7', '{"a": [1, 2.50]}', '{"b": {"c": null}, "a": 1}',
      '{1,NULL,3}', '{"x y",NULL,"q\"z"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 12.34, 7, 'Très bien',
      '{ok,"Très bien"}', NULL)SQL";
  cluster.exec("INSERT INTO fmt VALUES (" + values + ")");

  DecodedRowsConsumer consumer;
  BackgroundStream stream(snapshot_spec(cluster, "snap_fmt", {"public.fmt"}), consumer);
  REQUIRE(wait_until_streaming(cluster, "snap_fmt"));
  cluster.exec("INSERT INTO fmt VALUES (2" + values.substr(1) + ")");
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  const auto received = consumer.received();
  const std::string* read = nullptr;
  const std::string* insert = nullptr;
  for (const auto& message : received) {
    if (message.json.starts_with(R"({"action":"R")")) read = &message.json;
    if (message.json.starts_with(R"({"action":"I")")) insert = &message.json;
  }
  REQUIRE(read != nullptr);
  REQUIRE(insert != nullptr);
  // Everything from the second column on, and pk, byte for byte.
  auto tail = [](const std::string& json) { return json.substr(json.find(R"({"name":"Odd \"name\"")")); };
  CHECK(tail(*read) == tail(*insert));
  CHECK(read->find(R"({"name":"id","type":"integer","value":1})") != std::string::npos);
  CHECK(insert->find(R"({"name":"id","type":"integer","value":2})") != std::string::npos);
  INFO(*read);
  CHECK(read->find(R"("f8nan","type":"double precision","value":null)") != std::string::npos);
  CHECK(read->find(R"("type":"\"Mood\"[]")") != std::string::npos);
  // Handed on decoded, as the decoder reads the text.
  CHECK(consumer.decoded_rows() == 1);
  CHECK(consumer.differences() == std::vector<std::string>{});
}

namespace {
// Stands for a crash in the middle of the snapshot: throws after `limit` messages.
struct CrashingConsumer : RecordingConsumer {
  explicit CrashingConsumer(int limit) : limit_(limit) {}
  void consume(std::string_view json, sdk::Lsn lsn) override {
    if (++count_ > limit_) throw std::runtime_error("simulated crash");
    RecordingConsumer::consume(json, lsn);
  }
  int limit_;
  int count_ = 0;
};
}  // namespace

TEST_CASE("a snapshot interrupted in the middle of parallel reads starts over on the next run") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE snap_restart(id int PRIMARY KEY, v text);"
               "INSERT INTO snap_restart SELECT g, 'v' || g || repeat('x', 150) FROM generate_series(1, 20000) g");
  auto spec = snapshot_spec(cluster, "snap_restart", {"public.snap_restart"});
  spec.snapshot_parallelism = 3;
  REQUIRE(ranges_of(cluster, spec, "public.snap_restart") > 1);  // parallel readers, crashed and restarted
  const std::string marker = source::replication::ReplicationSlot::snapshot_marker_name("snap_restart");
  {
    CrashingConsumer crashing(1200);
    BackgroundStream stream(spec, crashing);
    REQUIRE(stream.wait() == BackgroundStream::Ending::error);
    CHECK(stream.error() == "simulated crash");
    CHECK(crashing.received().size() == 1200);
  }
  // Both the slot and its marker survive the "crash".
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name IN ('snap_restart', '" + marker + "')") == "2");
  const auto first_slot_point = cluster.query_value("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'snap_restart'");

  cluster.exec("INSERT INTO snap_restart VALUES (20001, 'after the crash')");
  RecordingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, "snap_restart"));
  cluster.exec("INSERT INTO snap_restart VALUES (20002, 'streamed')");
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  std::size_t r_rows = 0;
  const auto delivered = apply(consumer.received(), "id", r_rows);
  CHECK(r_rows == 20001);  // every row again (once), the one written after the crash included
  CHECK(delivered.size() == 20002);
  CHECK(delivered.count("snap_restart/20002") == 1);
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + marker + "'") == "0");
  CHECK(cluster.query_value("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'snap_restart'") != first_slot_point);
}

TEST_CASE("an existing slot is used as it is: no snapshot") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE snap_existing(id int PRIMARY KEY); INSERT INTO snap_existing VALUES (1)");
  cluster.exec("SELECT pg_create_logical_replication_slot('snap_existing', 'wal2json')");
  RecordingConsumer consumer;
  BackgroundStream stream(snapshot_spec(cluster, "snap_existing", {}), consumer);
  REQUIRE(wait_until_streaming(cluster, "snap_existing"));
  cluster.exec("INSERT INTO snap_existing VALUES (2)");
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  for (const auto& message : consumer.received()) CHECK_FALSE(message.json.starts_with(R"({"action":"R")"));
}

TEST_CASE("parallel readers give every row of several tables exactly once, with 1 connection and with 4", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  static const bool created = (cluster.exec("CREATE TABLE par_big(id int PRIMARY KEY, pad text);"
               "INSERT INTO par_big SELECT g, repeat('x', 200) || g FROM generate_series(1, 30000) g;"
               "DELETE FROM par_big WHERE id % 7 = 0;"  // dead rows in every range: not in the snapshot
               "CREATE TABLE par_small(id int PRIMARY KEY, v text);"
               "INSERT INTO par_small SELECT g, 'v' || g FROM generate_series(1, 500) g;"
               "CREATE TABLE par_empty(id int PRIMARY KEY);"
               "ANALYZE par_big, par_small, par_empty"), true);  // once: GENERATE runs the test twice
  REQUIRE(created);
  const std::vector<std::string> tables = {"public.par_big", "public.par_empty", "public.par_small"};
  const int parallelism = GENERATE(1, 4);
  auto spec = snapshot_spec(cluster, "par_" + std::to_string(parallelism), tables);
  spec.snapshot_parallelism = parallelism;
  // Split only with more than one reader: one range a reader would gain nothing.
  CHECK((ranges_of(cluster, spec, "public.par_big") > 1) == (parallelism > 1));
  CHECK(ranges_of(cluster, spec, "public.par_small") == 1);

  const std::string small_rows = cluster.query_value("SELECT count(*) FROM par_small").value();
  DecodedRowsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, "par_" + std::to_string(parallelism)));
  CHECK(metrics::registry().snapshot.running.value() == 0);  // over once streaming
  cluster.exec("INSERT INTO par_small VALUES (" + std::to_string(1000 + parallelism) + ", 'streamed')");
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  std::size_t r_rows = 0;
  const auto delivered = apply(consumer.received(), "id", r_rows);  // FAILs on a row delivered twice
  std::set<std::string> expected;
  for (const std::string table : {"par_big", "par_small"})
    for (const auto& row : cluster.query("SELECT id::text FROM " + table)) expected.insert(table + "/" + *row[0]);
  std::set<std::string> keys;
  for (const auto& [key, row] : delivered) keys.insert(key);
  CHECK(keys == expected);
  CHECK(r_rows == expected.size() - 1);  // all but the streamed insert
  CHECK(consumer.decoded_rows() == r_rows);   // every one handed on decoded, as the decoder reads it
  CHECK(consumer.differences() == std::vector<std::string>{});
  // The first row handed on is `first`, the last `last` (held back until every reader was done);
  // the other table's first and last rows handed on first_in_table and last_in_table (par_empty
  // has none), every other `middle`; all carry the one snapshot transaction's id.
  const auto positions = consumer.positions();
  REQUIRE(positions.size() == r_rows);
  CHECK(positions.front() == sdk::SnapshotPosition::first);
  CHECK(positions.back() == sdk::SnapshotPosition::last);
  std::map<std::string, std::vector<sdk::SnapshotPosition>> marks;  // each table's positions but middle
  for (const auto& [table, at] : consumer.table_positions())
    if (at != sdk::SnapshotPosition::middle) marks[table].push_back(at);
  using P = sdk::SnapshotPosition;
  CHECK(marks.size() == 2);
  for (const auto& [table, at] : marks) {
    INFO(table);
    REQUIRE(at.size() == 2);  // one first and one last each, whatever the interleaving
    CHECK((at[0] == P::first || at[0] == P::first_in_table));
    CHECK((at[1] == P::last || at[1] == P::last_in_table));
  }
  const auto xids = consumer.xids();
  REQUIRE(xids.size() == 1);
  CHECK(xids.begin()->find_first_not_of("0123456789") == std::string::npos);
  CHECK_FALSE(xids.begin()->empty());

  // The metrics of each table, as /metrics shows them.
  const std::string text = metrics::render_prometheus(metrics::registry(), std::nullopt);
  CHECK_THAT(text, Catch::Contains("popyka_snapshot_rows_total{table=\"public.par_big\"} " +
                                   std::to_string(30000 - 30000 / 7) + "\n"));
  CHECK_THAT(text, Catch::Contains("popyka_snapshot_rows_total{table=\"public.par_small\"} " + small_rows + "\n"));
  CHECK_THAT(text, Catch::Contains("popyka_snapshot_rows_total{table=\"public.par_empty\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("popyka_snapshot_rows_estimated{table=\"public.par_small\"} 500\n"));
  CHECK_THAT(text, Catch::Contains("popyka_snapshot_running 0\n"));
  CHECK(metrics::registry().snapshot.table("public.par_big").state.value() == metrics::SnapshotTable::done);
}
