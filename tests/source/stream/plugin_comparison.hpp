#pragma once
// The same WAL streamed through a wal2json slot and a pgoutput slot, for tests that hold both
// plugins to the same output (pgoutput/README.md lists the allowed differences).
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "background_stream.hpp"
#include "popyka/sdk/change.hpp"

namespace popyka::test {

using Plugin = config::DatabaseSpec::OutputPlugin;

inline config::DatabaseSpec spec_for(const PostgresCluster& cluster, const std::string& database,
                                     const std::string& slot, Plugin plugin) {
  auto spec = database_spec(cluster, slot);
  spec.connect_url = cluster.dsn("postgres", "", database);
  spec.output_plugin = plugin;
  return spec;
}

// Streams the (existing) slot until the end-of-stream message.
inline std::vector<ReceivedMessage> stream_slot(config::DatabaseSpec spec) {
  RecordingConsumer consumer;
  BackgroundStream stream(std::move(spec), consumer);
  const auto ending = stream.wait();
  INFO(stream.error());
  REQUIRE(ending == BackgroundStream::Ending::end_of_stream_message);
  return consumer.received();
}

inline bool is_action(const ReceivedMessage& message, char action) {
  return message.json.starts_with(std::string(R"({"action":")") + action + '"');
}

// Allowed difference 1: PostgreSQL 15's pgoutput skips transactions without a published change
// (DDL only, writes to no table, a transactional message's rolled-back transaction...), where
// wal2json still sends their B and C. Such B/C pairs are left out of wal2json's list.
inline std::vector<ReceivedMessage> without_empty_transactions(const std::vector<ReceivedMessage>& messages) {
  std::vector<ReceivedMessage> kept;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (is_action(messages[i], 'B') && i + 1 < messages.size() && is_action(messages[i + 1], 'C')) {
      ++i;
      continue;
    }
    kept.push_back(messages[i]);
  }
  return kept;
}

// Drops `slot` once its walsender has let go of it (it exits after stream_changes() returned).
inline void drop_slot_when_free(const PostgresCluster& cluster, const std::string& slot) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (cluster.query_value("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'") == "t" &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  cluster.exec("SELECT pg_drop_replication_slot('" + slot + "')");
}

struct PluginStreams {
  std::vector<ReceivedMessage> wal2json;  // empty transactions left out (allowed difference 1)
  std::vector<ReceivedMessage> pgoutput;
};

// In a new database `db` (a FOR ALL TABLES publication refuses UPDATE/DELETE on tables without a
// replica identity, which other tests do in database postgres): runs `schema`, creates a
// wal2json and a pgoutput slot (so both see the same WAL), runs `workload`, one transaction per
// entry, all before either slot is read, as for a consumer that lags or restarts. Then streams
// both through stream_changes(), the walsenders in `time_zone`.
inline PluginStreams stream_through_both(const std::string& db, const std::vector<std::string>& schema,
                                         const std::vector<std::string>& workload,
                                         const std::string& time_zone = "UTC") {
  auto& cluster = PostgresCluster::shared();
  cluster.create_database(db);
  for (const auto& statement : schema) cluster.exec(statement, db);
  cluster.exec("CREATE PUBLICATION popyka FOR ALL TABLES", db);
  const std::string wal2json_slot = db + "_wal2json", pgoutput_slot = db + "_pgoutput";
  cluster.exec("SELECT pg_create_logical_replication_slot('" + wal2json_slot + "', 'wal2json')", db);
  cluster.exec("SELECT pg_create_logical_replication_slot('" + pgoutput_slot + "', 'pgoutput')", db);
  for (const auto& statement : workload) cluster.exec(statement, db);
  cluster.exec(end_of_stream_sql, db);

  auto wal2json_spec = spec_for(cluster, db, wal2json_slot, Plugin::wal2json);
  auto pgoutput_spec = spec_for(cluster, db, pgoutput_slot, Plugin::pgoutput);
  wal2json_spec.connect_url += " options='-c TimeZone=" + time_zone + "'";
  pgoutput_spec.connect_url += " options='-c TimeZone=" + time_zone + "'";
  PluginStreams streams{without_empty_transactions(stream_slot(wal2json_spec)), stream_slot(pgoutput_spec)};
  // The cluster has 20 slots for every test of this program.
  for (const auto& slot : {wal2json_slot, pgoutput_slot}) drop_slot_when_free(cluster, slot);
  return streams;
}

// pgoutput's messages equal wal2json's, text and LSN; B's LSN within allowed difference 2.
inline void check_same_messages(const std::vector<ReceivedMessage>& expected,
                                const std::vector<ReceivedMessage>& received) {
  CHECK(received.size() == expected.size());
  for (std::size_t i = 0; i < std::min(received.size(), expected.size()); ++i) {
    INFO("message " << i << "\nwal2json: " << expected[i].json << "\npgoutput: " << received[i].json);
    CHECK(received[i].json == expected[i].json);
    if (is_action(received[i], 'B')) {
      // Allowed difference 2: pgoutput (PostgreSQL 15) sends BEGIN only with the transaction's
      // first published change, at that change's LSN; wal2json at the transaction's first WAL
      // record. B's LSN may be later, never past the first change.
      CHECK(received[i].lsn >= expected[i].lsn);
      REQUIRE(i + 1 < expected.size());
      CHECK(received[i].lsn <= expected[i + 1].lsn);
    } else {
      CHECK(sdk::format_lsn(received[i].lsn) == sdk::format_lsn(expected[i].lsn));
    }
  }
}

}  // namespace popyka::test
