// The initial snapshot (issue 7) through the real popyka-host program and the real
// popyka-mock-kafka, with a kill -9 in the middle of the snapshot and a restart: the second run
// finds the marker, drops the slot and snapshots again from scratch, so the R rows delivered
// before the kill come again (R rows twice), then streams.
//
// The consumer-side check mirrors the tables from what Kafka holds:
//   * per topic, partition by partition, each in partition order (partitions one after the
//     other: the worst interleaving a consumer of several partitions can see); checked on the
//     way: every message has a key (all tables have a primary key, R rows included), every key
//     is on one partition, and within it a key's messages come in order (R rows of the first
//     snapshot, R rows of the second, then the stream in LSN order);
//   * keyed by table and primary key. R is an upsert; I and U upsert (a U that changed the key
//     also removes the old key); D removes;
//   * across partitions only one thing needs ordering: an UPDATE that moves a row to another
//     primary key is keyed by the new key, so the removal of the old key may be on another
//     partition than the old key's R row. Each key's state remembers the rank of the message that
//     set it, and a message of lower rank is skipped. Rank: R rows by their snapshot's
//     consistent point (the `lsn` header; the later snapshot's is higher), below every streamed
//     change (a snapshot happens only when the slot is created, before any of its streaming),
//     streamed changes by LSN. Not the LSN alone: a streamed change can carry the consistent
//     point itself, or in principle a lower LSN (a transaction that began before it and
//     committed after it), so "skip what is at or below the last LSN applied" would drop it;
//   * at the end, rows whose last word is an R row of the interrupted snapshot are dropped: the
//     complete snapshot did not repeat them, so they were deleted or moved in between.
// The result must equal the tables' final contents, row for row. And snapshot + stream see each
// row exactly once: no streamed insert of a row the complete snapshot had, no removal of a row
// neither had.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <set>

#include <simdjson.h>

#include "e2e_support.hpp"
#include "wait_until.hpp"
#include "mock_kafka_process.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

namespace {

const std::string kSnapshotSlot = "e2e_snap";
const std::vector<std::string> kSnapshotTables = {"snap_a", "snap_b", "snap_c"};
constexpr int kSnapshotRowsA = 30000, kSnapshotRowsB = 15000, kSnapshotRowsC = 15000;
constexpr int kSnapshotRows = kSnapshotRowsA + kSnapshotRowsB + kSnapshotRowsC;

std::string snapshot_config() {
  return database_yaml(kSnapshotSlot) +
         "  snapshot: initial\n"
         "  snapshot_tables: [public.snap_a, public.snap_b, public.snap_c]\n"
         "  snapshot_parallelism: 2\n"
         "filters:\n"
         "  - class: popyka.builtin.filters.IgnoreTxFilter\n"
         "processors:\n" +
         kafka_processor_yaml("{schema}.{table}", "e2e.no_table");
}

// Inserts, updates (the primary key too) and deletes in short transactions until stopped.
class Writer {
 public:
  explicit Writer(const PostgresCluster& cluster) : thread_([this, &cluster] { run(cluster); }) {}
  ~Writer() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int transactions() const { return transactions_; }
  const std::string& error() const { return error_; }

 private:
  void run(const PostgresCluster& cluster) {
    for (int i = 0; !stop_; ++i) {
      const std::string n = std::to_string(i);
      try {
        cluster.exec(
            "BEGIN;"
            "INSERT INTO snap_a(id, v, n) VALUES (100000 + " + n + ", 'new " + n + "', " + n + ".5);"
            "UPDATE snap_a SET v = v || ' upd', n = n + 1 WHERE id = " + std::to_string(1 + (i * 37) % kSnapshotRowsA) + ";"
            "DELETE FROM snap_a WHERE id = 100000 + " + std::to_string(i - 3) + ";"
            "DELETE FROM snap_b WHERE id = " + std::to_string(1 + (i * 53) % kSnapshotRowsB) + ";"
            "UPDATE snap_c SET id = 200000 + " + n + ", payload = '{\"moved\": " + n + "}' WHERE id = " +
            std::to_string(1 + (i * 71) % kSnapshotRowsC) + ";"
            "INSERT INTO snap_b(id, f, flag) VALUES (300000 + " + n + ", " + n + " * 0.25, " +
            (i % 2 ? "true" : "false") + ");"
            "COMMIT");
      } catch (const std::exception& e) {
        error_ = e.what();
        return;
      }
      ++transactions_;
      std::this_thread::sleep_for(5ms);
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<int> transactions_{0};
  std::string error_;
  std::thread thread_;
};

std::string text_field(simdjson::dom::element e, const char* key) {
  std::string_view v;
  return e[key].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
}

// A row as its values' JSON, canonicalised by simdjson (so 1.50 and 1.5 are one number), "|"
// between them, in column order.
std::string row_text(simdjson::dom::array values) {
  std::string text;
  for (simdjson::dom::element v : values) text += simdjson::minify(v) + "|";
  return text;
}

std::string value_of(simdjson::dom::array columns, std::string_view name) {
  for (simdjson::dom::element c : columns)
    if (text_field(c, "name") == name) return simdjson::minify(c["value"]);
  return {};
}

// table/id -> row_text, as PostgreSQL has them now (jsonb and arrays as the text wal2json sends).
std::map<std::string, std::string> contents(const PostgresCluster& cluster) {
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"snap_a", "json_build_array(id, v, n)"},
      {"snap_b", "json_build_array(id, f, flag)"},
      {"snap_c", "json_build_array(id, payload::text, tags::text)"},
  };
  std::map<std::string, std::string> rows;
  simdjson::dom::parser parser;
  for (const auto& [table, expression] : queries) {
    for (const auto& row : cluster.query("SELECT id::text, " + expression + "::text FROM " + table)) {
      simdjson::dom::array values = parser.parse(*row[1]);
      rows.emplace(table + "/" + *row[0], row_text(values));
    }
  }
  return rows;
}

std::size_t messages_in_kafka(const std::string& bootstrap) {
  std::size_t total = 0;
  for (const auto& table : kSnapshotTables) total += message_count(bootstrap, "public." + table);
  return total;
}

std::size_t count_of(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

bool marker_exists(const PostgresCluster& cluster) {
  return cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + kSnapshotSlot +
                             "_snapshot_pending'") == "1";
}

// (0, consistent point) for an R row, (1, LSN) for a streamed change.
using Rank = std::pair<int, Lsn>;
struct KeyState {
  Rank rank{0, 0};
  std::optional<std::string> row;  // nullopt: deleted
};

}  // namespace

TEST_CASE("initial snapshot through Kafka, kill -9 in the middle of it, restart: the snapshot starts over and "
          "R rows of the last snapshot then the stream equal the tables' final contents") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE snap_a(id int PRIMARY KEY, v text, n numeric);"
               "INSERT INTO snap_a SELECT g, 'row ' || g || E' \"q\" \\\\ \\n', g * 1.25 FROM generate_series(1, " +
               std::to_string(kSnapshotRowsA) + ") g;"
               "CREATE TABLE snap_b(id bigint PRIMARY KEY, f float8, flag boolean);"
               "INSERT INTO snap_b SELECT g, g / 3.0, g % 2 = 0 FROM generate_series(1, " + std::to_string(kSnapshotRowsB) + ") g;"
               "CREATE TABLE snap_c(id int PRIMARY KEY, payload jsonb, tags text[]);"
               "INSERT INTO snap_c SELECT g, jsonb_build_object('g', g), ARRAY['a', 'b ' || g] FROM generate_series(1, " +
               std::to_string(kSnapshotRowsC) + ") g;"
               "ANALYZE snap_a, snap_b, snap_c");
  // 8 partitions a topic: the mock keeps about 5 MB a partition.
  MockKafkaProcess kafka({"--partitions", "8", "--topic", "public.snap_a:8", "--topic", "public.snap_b:8", "--topic",
                          "public.snap_c:8"});
  const std::string bootstrap = kafka.bootstrap_servers();
  TempDir dir;
  const auto config = dir.write("popyka.yaml", snapshot_config());
  const auto started = std::chrono::steady_clock::now();

  Writer writer(cluster);  // before, during and after both snapshots, and through the kill
  REQUIRE(wait_until([&] { return writer.transactions() >= 10; }));

  // First run, two connections reading side by side (snap_a and snap_b at once, then snap_c):
  // killed once the first table is done (the snapshot's per-table lines), with part of the rows
  // in Kafka.
  auto first = std::make_unique<HostProcess>(dir / "first.log", host_env(config, cluster, bootstrap));
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (count_of(first->log(), ": done, ") < 1 && first->running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  first->signal(SIGKILL);
  REQUIRE(first->wait_exit(5s) == 128 + SIGKILL);
  const std::string first_log = first->log();
  INFO("first run's log:\n" << first_log);
  REQUIRE(count_of(first_log, ": done, ") >= 1);
  CHECK(first_log.find("on 2 connection(s)") != std::string::npos);
  REQUIRE(first_log.find("initial snapshot read:") == std::string::npos);  // killed in the middle
  CHECK(first_log.find("streaming replication slot") == std::string::npos);
  CHECK(marker_exists(cluster));  // the host will know the snapshot did not finish
  const std::size_t in_kafka_at_kill = messages_in_kafka(bootstrap);
  INFO(in_kafka_at_kill << " R rows in Kafka at the kill");
  REQUIRE(in_kafka_at_kill > 0);
  REQUIRE(in_kafka_at_kill < static_cast<std::size_t>(kSnapshotRows));

  const int at_kill = writer.transactions();  // the writer goes on while popyka is down
  REQUIRE(wait_until([&] { return writer.transactions() >= at_kill + 10; }));

  // Second run: finds the marker, drops the slot, snapshots again from scratch, then streams.
  HostProcess second(dir / "second.log", host_env(config, cluster, bootstrap));
  const bool streaming = second.wait_for_log("streaming replication slot", 40s);
  std::string second_log = second.log();
  INFO("second run's log:\n" << second_log);
  REQUIRE(streaming);
  CHECK(second_log.find("did not finish in an earlier run") != std::string::npos);
  CHECK(second_log.find("starting the snapshot over") != std::string::npos);
  CHECK(second_log.find("initial snapshot read:") != std::string::npos);
  CHECK_FALSE(marker_exists(cluster));
  const int streaming_from = writer.transactions();  // and the stream after the snapshot
  REQUIRE(wait_until([&] { return writer.transactions() >= streaming_from + 20; }));
  writer.stop();
  REQUIRE(writer.error().empty());
  INFO("writer transactions: " << writer.transactions());
  CHECK(writer.transactions() > 20);
  const Lsn end = parse_lsn(cluster.query_value("SELECT pg_current_wal_lsn()::text").value());
  REQUIRE(wait_confirmed(cluster, kSnapshotSlot, end, 30s));
  second.signal(SIGTERM);
  CHECK(second.wait_exit(10s) == 0);


  // Everything Kafka holds, per topic and partition in partition order.
  std::map<std::string, std::map<std::int32_t, std::vector<Record>>> by_partition;
  std::size_t total = 0;
  for (const auto& table : kSnapshotTables) {
    const std::string topic = "public." + table;
    const std::size_t count = message_count(bootstrap, topic);
    auto records = consume(bootstrap, topic, count, 30s);
    REQUIRE(records.size() == count);
    total += count;
    for (auto& r : records) by_partition[table][r.partition].push_back(std::move(r));
  }

  struct Message {
    std::string table, action, key, old_key, row;  // key: table/id (new id for U); old_key: U's identity
    Lsn lsn = 0;
  };
  simdjson::dom::parser parser;
  std::map<Lsn, std::size_t> r_rows_by_lsn;                          // R rows per snapshot
  std::map<std::string, std::set<std::int32_t>> partitions_of_key;  // table/Kafka key -> partitions
  std::set<std::tuple<std::string, Lsn, std::string>> streamed;     // (table, lsn, value)
  std::map<std::string, KeyState> state;                            // table/id
  std::size_t malformed = 0, null_keys = 0, out_of_order = 0, duplicates = 0, skipped = 0, stream_at_or_below = 0;
  std::string first_malformed, first_null_key, first_out_of_order;
  std::vector<Message> stream;                          // for the exactly-once checks
  std::vector<std::pair<Lsn, std::string>> r_keys;      // (consistent point, table/id) of every R row
  for (const auto& [table, partitions] : by_partition) {
    for (const auto& [partition, records] : partitions) {
      std::map<std::string, Rank> last_rank_of_key;  // within this partition
      for (const Record& record : records) {
        Message m;
        m.table = table;
        simdjson::dom::element change;
        simdjson::dom::array columns, identity;
        const auto header = record.headers.find("lsn");
        const bool parsed = parser.parse(record.value).get(change) == simdjson::SUCCESS;
        m.action = parsed ? text_field(change, "action") : "";
        const bool has_columns = parsed && change["columns"].get(columns) == simdjson::SUCCESS;
        const bool has_identity = parsed && change["identity"].get(identity) == simdjson::SUCCESS;
        const bool ok = header != record.headers.end() && parsed && text_field(change, "table") == table &&
                        (m.action == "D" ? has_identity : (m.action == "R" || m.action == "I" || m.action == "U") && has_columns);
        if (!ok) {
          if (malformed++ == 0) first_malformed = record.value;
          continue;
        }
        m.lsn = parse_lsn(header->second);
        const Rank rank{m.action == "R" ? 0 : 1, m.lsn};
        if (!record.key) {
          if (null_keys++ == 0) first_null_key = record.value;
        } else {
          partitions_of_key[table + "/" + *record.key].insert(partition);
          auto [it, inserted] = last_rank_of_key.emplace(*record.key, rank);
          if (!inserted) {
            if (rank < it->second && out_of_order++ == 0) first_out_of_order = record.value;
            it->second = std::max(it->second, rank);
          }
        }
        if (m.action == "R") {
          ++r_rows_by_lsn[m.lsn];
        } else if (!streamed.emplace(table, m.lsn, record.value).second) {
          ++duplicates;
        }
        if (m.action == "D") {
          m.key = table + "/" + value_of(identity, "id");
        } else {
          std::string values_json = "[";
          for (simdjson::dom::element c : columns)
            values_json += (values_json.size() > 1 ? "," : "") + simdjson::minify(c["value"]);
          simdjson::dom::parser row_parser;
          m.row = row_text(row_parser.parse(values_json + "]"));
          m.key = table + "/" + value_of(columns, "id");
          if (m.action == "U" && has_identity) m.old_key = table + "/" + value_of(identity, "id");
        }
        // Apply it.
        const auto apply = [&](const std::string& key, std::optional<std::string> row) {
          KeyState& s = state[key];
          if (rank < s.rank) {
            ++skipped;
            return;
          }
          s = KeyState{rank, std::move(row)};
        };
        if (!m.old_key.empty() && m.old_key != m.key) apply(m.old_key, std::nullopt);
        apply(m.key, m.action == "D" ? std::nullopt : std::optional<std::string>(m.row));
        if (m.action == "R") r_keys.emplace_back(m.lsn, m.key);
        else stream.push_back(std::move(m));
      }
    }
  }
  INFO("first malformed message: " << first_malformed);
  REQUIRE(malformed == 0);

  // Two snapshots: the interrupted one (exactly what Kafka held at the kill) and the complete one.
  REQUIRE(r_rows_by_lsn.size() == 2);
  const auto [interrupted_lsn, interrupted_rows] = *r_rows_by_lsn.begin();
  const auto [complete_lsn, complete_rows] = *r_rows_by_lsn.rbegin();
  for (const auto& m : stream) stream_at_or_below += m.lsn <= complete_lsn;
  INFO(total << " messages; R rows " << interrupted_rows << " at " << format_lsn(interrupted_lsn) << " then "
             << complete_rows << " at " << format_lsn(complete_lsn) << "; " << stream.size() << " streamed, "
             << stream_at_or_below << " of them at or below the consistent point; skipped by rank " << skipped);
  CHECK(interrupted_rows == in_kafka_at_kill);
  CHECK(interrupted_rows < complete_rows);
  CHECK(complete_rows >= static_cast<std::size_t>(kSnapshotRows) - 2000);  // about kSnapshotRows: the writer deletes about as many as it adds
  CHECK(stream.size() > 100);
  CHECK(duplicates == 0);  // no produce retried into a duplicate, no transaction streamed twice
  INFO("first message without a key: " << first_null_key);
  CHECK(null_keys == 0);  // every table has a primary key: R rows are keyed like inserts
  std::size_t split_keys = 0;
  for (const auto& [key, used] : partitions_of_key) split_keys += used.size() > 1;
  CHECK(split_keys == 0);
  INFO("first message out of order within its key: " << first_out_of_order);
  CHECK(out_of_order == 0);

  // Exactly once in snapshot + stream. The writer never reuses a key: a streamed insert (or the
  // new key of a moving update) is a row the complete snapshot did not have, a streamed delete
  // (or a moving update's old key) one that it or the stream had.
  std::set<std::string> in_complete_snapshot, inserted, removed;
  for (const auto& [lsn, key] : r_keys) {
    if (lsn == complete_lsn) in_complete_snapshot.insert(key);
  }
  CHECK(in_complete_snapshot.size() == complete_rows);  // no row twice within one snapshot
  for (const auto& m : stream) {
    if (m.action == "I" || (m.action == "U" && !m.old_key.empty() && m.old_key != m.key)) inserted.insert(m.key);
  }
  std::size_t not_once = 0;
  std::string first_not_once;
  for (const auto& m : stream) {
    const bool moves = m.action == "U" && !m.old_key.empty() && m.old_key != m.key;
    bool bad = false;
    if (m.action == "I" || moves) bad |= in_complete_snapshot.contains(m.key);
    // A removed row: one the complete snapshot or the stream had; removed once.
    const std::string gone = m.action == "D" ? m.key : moves ? m.old_key : std::string();
    if (!gone.empty()) {
      bad |= !in_complete_snapshot.contains(gone) && !inserted.contains(gone);
      bad |= !removed.insert(gone).second;
    }
    if (bad && not_once++ == 0) first_not_once = m.action + " " + m.key + " at " + format_lsn(m.lsn);
  }
  INFO("first streamed change of a row seen twice: " << first_not_once);
  CHECK(not_once == 0);

  // What the consumer ends with; R rows of the interrupted snapshot that the complete one did
  // not repeat are rows gone before it.
  std::map<std::string, std::string> delivered;
  std::size_t stale = 0;
  for (const auto& [key, s] : state) {
    if (!s.row) continue;
    if (s.rank.first == 0 && s.rank.second < complete_lsn) {
      ++stale;
      continue;
    }
    delivered.emplace(key, *s.row);
  }
  const auto expected = contents(cluster);
  INFO(stale << " R rows of the interrupted snapshot not in the complete one");
  CHECK(delivered.size() == expected.size());
  std::size_t mismatches = 0;
  for (const auto& [key, row] : expected) {
    const auto it = delivered.find(key);
    if (it == delivered.end() || it->second != row) {
      if (++mismatches <= 5)
        FAIL_CHECK(key << ": expected " << row << " delivered " << (it == delivered.end() ? "nothing" : it->second));
    }
  }
  for (const auto& [key, row] : delivered) {
    if (!expected.contains(key) && ++mismatches <= 10) FAIL_CHECK(key << ": delivered but not in the table: " << row);
  }
  CHECK(mismatches == 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "snapshot kill/restart: %zu messages (R %zu + %zu, %zu streamed, %zu at or below the consistent point), %.1f s\n",
               total, interrupted_rows, complete_rows, stream.size(), stream_at_or_below, seconds);
}
