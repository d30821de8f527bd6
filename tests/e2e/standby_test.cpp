// Issue 18: a slot in use at startup, through the real popyka-host. The crash-loop case (the
// slot still held when a restarted host starts: it waits, then streams) and a standby that
// takes over from an active instance killed with kill -9, a writer running throughout.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <csignal>
#include <iostream>

#include "e2e_support.hpp"
#include "mock_kafka_process.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

namespace {

const std::string kTopic = "standby";

// The rows table's changes to Kafka; `database_keys` adds to the database: mapping.
std::string rows_config(const std::string& database_keys = {}) {
  return database_yaml(kSlot) + database_keys +
         "filters:\n"
         "  - class: popyka.builtin.filters.IgnoreTxFilter\n"
         "processors:\n" +
         kafka_processor_yaml(kTopic);
}

// The rows table, a Kafka, and a first popyka-host streaming the slot: the holder a restarted
// host finds, or the active instance of a pair. `walsender`: the server process serving it.
struct FirstHost {
  explicit FirstHost(const std::string& database_keys = {})
      : config(dir.write("first.yaml", rows_config(database_keys))),
        host(dir / "first.log", host_env(config, cluster, kafka.bootstrap_servers())) {
    REQUIRE(host.wait_for_log("streaming replication slot"));
    walsender = cluster.query_value("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + kSlot + "'")
                    .value_or("");
    REQUIRE(!walsender.empty());
  }
  // Another popyka-host on the same slot, with its own config.
  HostProcess::Environment env_of(const std::string& name, const std::string& database_keys = {}) {
    return host_env(dir.write(name + ".yaml", rows_config(database_keys)), cluster, kafka.bootstrap_servers());
  }

  PostgresCluster& cluster = rows_table_ready(PostgresCluster::shared());
  MockKafkaProcess kafka{{"--topic", kTopic + ":4"}};
  TempDir dir;
  std::filesystem::path config;
  HostProcess host;
  std::string walsender;

 private:
  static PostgresCluster& rows_table_ready(PostgresCluster& cluster) {
    create_rows_table(cluster);
    return cluster;
  }
};

}  // namespace

TEST_CASE("a slot still held when popyka-host starts is waited for, its holder named, then streamed "
          "(the crash-loop case)") {
  FirstHost first("  application_name: old-holder\n");
  auto& cluster = first.cluster;
  auto& holder = first.host;
  const std::string& walsender = first.walsender;
  insert_rows(cluster, 1, 100);

  HostProcess restarted(first.dir / "restarted.log", first.env_of("restarted", "  slot_busy_wait_s: 60\n"));
  REQUIRE(restarted.wait_for_log("is in use by pid " + walsender + ", application_name \"old-holder\""));
  REQUIRE(restarted.wait_for_log("database.slot_busy_wait_s)"));
  insert_rows(cluster, 101, 100);  // the holder streams these
  holder.signal(SIGKILL);
  REQUIRE(holder.wait_exit(5s) == 128 + SIGKILL);

  REQUIRE(restarted.wait_for_log("is free after waiting", 60s));
  REQUIRE(restarted.wait_for_log("streaming replication slot"));
  CHECK(restarted.running());
  insert_rows(cluster, 201, 100);
  const auto changes = row_changes(all_messages(first.kafka.bootstrap_servers(), kTopic, 300));
  CHECK(missing_ids(ids_of(changes), 1, 300) == "");
  restarted.signal(SIGTERM);
  CHECK(restarted.wait_exit(20s) == 0);
}

TEST_CASE("slot_busy_wait_s bounds the wait: popyka-host then exits 1 naming the holder") {
  FirstHost first;
  const std::string& walsender = first.walsender;
  HostProcess second(first.dir / "second.log", first.env_of("second", "  slot_busy_wait_s: 2\n"));
  REQUIRE(second.wait_exit(60s) == 1);
  CHECK_THAT(second.log(), Catch::Contains("is in use by another process (pid " + walsender) &&
                               Catch::Contains("still in use after waiting") &&
                               Catch::Contains("database.standby: true"));
  CHECK(first.host.running());
}

TEST_CASE("two instances and a writer: kill -9 of the active one, the standby takes over from the confirmed "
          "position, every row is in Kafka at least once") {
  FirstHost first;
  auto& cluster = first.cluster;
  auto& active = first.host;
  const std::string& walsender = first.walsender;

  auto standby_env = first.env_of("standby");
  standby_env["POPYKA_STANDBY"] = "1";
  const int port = listen_for_metrics(standby_env);
  HostProcess standby(first.dir / "standby.log", standby_env);
  REQUIRE(standby.wait_for_log("standby: replication slot \"" + kSlot + "\" is held by pid " + walsender));
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 503);
  CHECK(health->body == "standby: slot held by PID " + walsender + "\n");
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(sample(metrics->body, "popyka_standby") == 1);

  constexpr int batches = 60, batch_size = 100;
  BatchWriter writer(cluster, batches, batch_size, 50ms);
  REQUIRE(writer.wait_written(batches / 4));
  active.signal(SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();
  REQUIRE(active.wait_exit(5s) == 128 + SIGKILL);
  REQUIRE(standby.wait_for_log("streaming replication slot", 60s));
  const auto takeover = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  std::cout << "standby took over " << takeover << " s after kill -9 of the active instance ("
            << writer.written() << " of " << batches << " batches written by then)\n";
  CHECK(standby.log().find("is free after waiting") != std::string::npos);

  writer.join();
  const auto changes = row_changes(all_messages(first.kafka.bootstrap_servers(), kTopic, batches * batch_size));
  CHECK(missing_ids(ids_of(changes), 1, batches * batch_size) == "");
  health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(sample(metrics->body, "popyka_standby") == 0);
  standby.signal(SIGTERM);
  CHECK(standby.wait_exit(20s) == 0);
}
