// A database failover survived (PostgreSQL 17+ failover slots): popyka-host streams from the
// primary through a multi-host connect_url (target_session_attrs=read-write) with
// database.failover: true; the standby syncs the slot (sync_replication_slots, and the primary
// waits for it: synchronized_standby_slots). The primary dies (kill -9) while rows are written,
// the standby is promoted, the writer goes on there; popyka-host reconnects to it by itself and
// goes on from the synced slot. Every row the new primary has is in Kafka. Run by tests/matrix on
// 17 and later (hidden here).
#include <catch2/catch.hpp>
#include <libpq-fe.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "e2e_support.hpp"
#include "mock_kafka_process.hpp"
#include "wait_until.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

namespace {

// Inserts batches of `batch_size` rows (ids 1, 2, ...) into the rows table on whichever server
// takes writes (`dsn` is multi-host, read-write), on a thread of its own, one transaction each.
// A batch cut off by the failover is tried again on a new connection: it may have committed, so
// ON CONFLICT DO NOTHING.
class FailoverWriter {
 public:
  FailoverWriter(std::string dsn, int batches, int batch_size)
      : thread_([this, dsn = std::move(dsn), batches, batch_size] {
          std::unique_ptr<PGconn, decltype(&PQfinish)> connection(nullptr, &PQfinish);
          for (int batch = 0; batch < batches && !stop_;) {
            if (!connection || PQstatus(connection.get()) != CONNECTION_OK) connection.reset(PQconnectdb(dsn.c_str()));
            const std::string sql = "INSERT INTO " + std::string(rows_table) + " SELECT g, 'row ' || g FROM generate_series(" +
                                    std::to_string(batch * batch_size + 1) + ", " +
                                    std::to_string((batch + 1) * batch_size) + ") g ON CONFLICT DO NOTHING";
            PGresult* result = PQexec(connection.get(), sql.c_str());
            const bool committed = PQresultStatus(result) == PGRES_COMMAND_OK;
            PQclear(result);
            if (committed) {
              written_ = ++batch;
            } else {
              connection.reset();
              std::this_thread::sleep_for(50ms);
            }
            std::this_thread::sleep_for(5ms);
          }
        }) {}
  ~FailoverWriter() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int written() const { return written_; }
  void join() { thread_.join(); }  // after the last batch

 private:
  std::atomic<int> written_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::set<int> ids_in_table(const PostgresCluster& cluster) {
  std::set<int> ids;
  for (const auto& row : cluster.query("SELECT id FROM " + std::string(rows_table))) ids.insert(std::stoi(*row[0]));
  return ids;
}

}  // namespace

TEST_CASE("failover: the primary killed mid-stream, the standby promoted: popyka-host goes on from the synced slot "
          "and every row the new primary has is in Kafka",
          "[.][since17]") {
  constexpr int kBatchesTotal = 300;
  constexpr int kFailoverAt = 100;  // batches written before the kill
  constexpr int kBatchRows = 20;
  const std::string topic = "e2e.failover";

  PostgresCluster primary;
  REQUIRE(primary.major() >= 17);
  create_rows_table(primary);
  primary.prepare_output_plugin();
  const auto standby = PostgresCluster::standby_of(primary, "standby", {"sync_replication_slots = on"});
  primary.exec("ALTER SYSTEM SET synchronized_standby_slots = 'standby'");
  primary.exec("SELECT pg_reload_conf()");
  const std::string both = PostgresCluster::read_write_dsn(primary, *standby);

  MockKafkaProcess kafka({"--topic", topic + ":1"});
  TempDir dir;
  auto env = host_env(dir.write("popyka.yaml", database_yaml(kSlot) + "  failover: true\n" +
                                                   "filters:\n  - class: popyka.builtin.filters.IgnoreTxFilter\n"
                                                   "processors:\n" + kafka_processor_yaml(topic)),
                      primary, kafka.bootstrap_servers());
  env["POPYKA_DB_DSN"] = both;
  HostProcess host(dir / "host.log", env);
  REQUIRE(host.wait_for_log("streaming replication slot"));
  CHECK(primary.query_value("SELECT failover FROM pg_replication_slots WHERE slot_name = '" + kSlot + "'") == "t");
  // Synced and ready on the standby: a synced slot still temporary is dropped at promotion.
  REQUIRE(wait_until([&] {
    return standby->query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + kSlot +
                                "' AND synced AND NOT temporary") == "1";
  }));

  FailoverWriter writer(both, kBatchesTotal, kBatchRows);
  REQUIRE(wait_until([&] { return writer.written() >= kFailoverAt; }));
  // Mid-stream: popyka-host has delivered part of it, not all.
  REQUIRE(wait_until([&] { return !all_messages(kafka.bootstrap_servers(), topic, 1, 5s).empty(); }));
  primary.kill();
  const auto killed_at = std::chrono::steady_clock::now();
  const int written_at_kill = writer.written();
  standby->promote();
  const auto promoted_at = std::chrono::steady_clock::now();

  // The first row written on the new primary, delivered: the time from the primary's death.
  const int first_new_id = written_at_kill * kBatchRows + 1;
  REQUIRE(wait_until([&] { return writer.written() > written_at_kill; }));
  REQUIRE(wait_until(
      [&] {
        const auto ids = ids_of(row_changes(all_messages(kafka.bootstrap_servers(), topic, 1, 5s)));
        return ids.contains(first_new_id) || ids.contains(first_new_id + kBatchRows);
      },
      120s));
  const auto first_delivered = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  std::cout << "failover: a row written on the new primary was in Kafka " << first_delivered
            << " s after kill -9 of the primary (promotion took "
            << std::chrono::duration<double>(promoted_at - killed_at).count() << " s)\n";

  writer.join();
  const std::set<int> truth = ids_in_table(*standby);
  REQUIRE(truth.size() >= static_cast<std::size_t>((kBatchesTotal - 1) * kBatchRows));
  const auto in_kafka = ids_of(row_changes(all_messages(kafka.bootstrap_servers(), topic, truth.size(), 120s)));
  std::string missing;
  for (const int id : truth) {
    if (!in_kafka.contains(id) && missing.size() < 200) missing += std::to_string(id) + " ";
  }
  CHECK(missing == "");

  const std::string log = host.log();
  INFO(log.substr(log.size() > 4000 ? log.size() - 4000 : 0));
  CHECK_THAT(log, Catch::Contains("on another server, 127.0.0.1:" + std::to_string(standby->port()) + " (was 127.0.0.1:" +
                                  std::to_string(primary.port()) + ": a failover?)"));
  host.signal(SIGTERM);
  CHECK(host.wait_exit(20s) == 0);
}
