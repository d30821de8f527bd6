// Streaming through the real popyka-host program (issue 3, faults): kill -9 and restart,
// PostgreSQL restarted under it, SIGTERM, and the original's default config.
#include <catch2/catch.hpp>

#include <csignal>

#include "e2e_support.hpp"
#include "mock_kafka_process.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

namespace {

const std::string kIgnoreTx =
    "filters:\n"
    "  - class: popyka.builtin.filters.IgnoreTxFilter\n";
const std::string kLogChange =
    "  - class: popyka.builtin.processors.LogChangeProcessor\n";


Lsn last_commit(const std::map<std::string, TransactionLsns>& lsns, const std::vector<std::string>& xids) {
  return lsns.at(xids.back()).commit;
}

// The changes of `after` whose transaction committed at or before `confirmed`: PostgreSQL must
// never send those again once `confirmed` was confirmed.
std::vector<RowChange> committed_by(const std::vector<RowChange>& after, const std::map<std::string, TransactionLsns>& lsns,
                                    Lsn confirmed) {
  std::vector<RowChange> out;
  for (const RowChange& c : after) {
    const auto tx = lsns.find(c.xid);
    if (tx == lsns.end() || tx->second.commit <= confirmed) out.push_back(c);
  }
  return out;
}

}  // namespace

TEST_CASE("kill -9 in the middle of a 50k-change stream, then a restart: every change at least once, "
          "nothing confirmed before the kill comes again", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  prepare_rows_and_slots(cluster);
  TempDir dir;
  const auto config = dir.write("popyka.yaml", database_yaml(kSlot) + kIgnoreTx + "processors:\n" + kLogChange);
  const Lsn created_at = confirmed_flush_lsn(cluster, kSlot);

  auto first = std::make_unique<HostProcess>(dir / "first.log", host_env(config, cluster));
  REQUIRE(first->wait_for_log("streaming replication slot"));
  BatchWriter writer(cluster, kBatches, kBatchSize, 20ms);
  REQUIRE(writer.wait_written(kBatches / 3));
  REQUIRE(wait_confirmed(cluster, kSlot, created_at + 1));
  // Read before the kill: the host may confirm more meanwhile, never less, so what is checked
  // below (nothing committed at or before this comes again) holds for the real value too.
  const Lsn confirmed_before_kill = confirmed_flush_lsn(cluster, kSlot);
  first->signal(SIGKILL);
  REQUIRE(first->wait_exit(5s) == 128 + SIGKILL);
  const int batches_at_kill = writer.written();
  INFO("killed after " << batches_at_kill << " batches, slot confirmed " << format_lsn(confirmed_before_kill));

  HostProcess second(dir / "second.log", host_env(config, cluster));
  const auto xids = writer.join();
  const auto lsns = transaction_lsns(cluster, kReferenceSlot);
  REQUIRE(wait_confirmed(cluster, kSlot, last_commit(lsns, xids)));
  second.signal(SIGTERM);
  CHECK(second.wait_exit(10s) == 0);

  const auto before = logged_row_changes(first->log());
  const auto after = logged_row_changes(second.log());
  INFO("before the kill " << before.size() << " changes logged, after the restart " << after.size());
  // The kill came in the middle of the stream.
  REQUIRE(!before.empty());
  REQUIRE(ids_of(before).size() < static_cast<std::size_t>(kRows));
  REQUIRE(!after.empty());

  std::set<int> all = ids_of(before);
  for (int id : ids_of(after)) all.insert(id);
  CHECK(missing_ids(all, 1, kRows) == "");

  const auto again = committed_by(after, lsns, confirmed_before_kill);
  if (!again.empty()) FAIL_CHECK("came again though committed at or before the confirmed LSN: " << again.front().json);
  CHECK(again.empty());
}

TEST_CASE("PostgreSQL restarted in the middle of a stream: popyka-host reconnects by itself, nothing is lost", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  prepare_rows_and_slots(cluster);
  TempDir dir;
  const auto config = dir.write("popyka.yaml", database_yaml(kSlot) + kIgnoreTx + "processors:\n" + kLogChange);
  HostProcess host(dir / "host.log", host_env(config, cluster));
  REQUIRE(host.wait_for_log("streaming replication slot"));

  constexpr int kHalf = kBatches / 2;
  std::vector<std::string> xids;
  for (int i = 0; i < kHalf; ++i) xids.push_back(insert_rows(cluster, i * kBatchSize + 1, kBatchSize));
  // At once: popyka-host is still busy with the first half.
  const auto restarted_at = std::chrono::steady_clock::now();
  cluster.restart();
  for (int i = kHalf; i < kBatches; ++i) xids.push_back(insert_rows(cluster, i * kBatchSize + 1, kBatchSize));
  const auto lsns = transaction_lsns(cluster, kReferenceSlot);
  REQUIRE(wait_confirmed(cluster, kSlot, last_commit(lsns, xids)));
  INFO("caught up " << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - restarted_at).count()
                    << " ms after the restart");
  REQUIRE(host.running());  // the same process: it reconnected by itself
  host.signal(SIGTERM);
  CHECK(host.wait_exit(10s) == 0);

  const std::string log = host.log();
  INFO(log.substr(log.size() > 4000 ? log.size() - 4000 : 0));
  CHECK_THAT(log, Catch::Contains("lost the replication connection"));
  CHECK_THAT(log, Catch::Contains("replication connection recovered"));
  const auto logged = logged_row_changes(log);
  CHECK(missing_ids(ids_of(logged), 1, kRows) == "");
  CHECK(cluster.query_value("SELECT count(*) FROM " + std::string(rows_table)) == std::to_string(kRows));
}

TEST_CASE("SIGTERM in the middle of a stream: exit 0 within a few seconds, the slot covers the last change processed", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  prepare_rows_and_slots(cluster);
  MockKafkaProcess kafka({"--topic", "first:8", "--topic", "second:8"});
  TempDir dir;
  // Both processors: the last change processed is the last one Kafka acknowledged.
  const auto config = dir.write("popyka.yaml", database_yaml(kSlot) + kIgnoreTx + "processors:\n" + kLogChange +
                                                   kafka_processor_yaml("${E2E_TOPIC}"));
  auto env = host_env(config, cluster, kafka.bootstrap_servers());
  env["E2E_TOPIC"] = "first";
  HostProcess first(dir / "first.log", env);
  REQUIRE(first.wait_for_log("streaming replication slot"));
  BatchWriter writer(cluster, kBatches, kBatchSize, 20ms);
  REQUIRE(writer.wait_written(kBatches / 2));

  const auto signalled = std::chrono::steady_clock::now();
  first.signal(SIGTERM);
  const auto code = first.wait_exit(10s);
  const auto took = std::chrono::steady_clock::now() - signalled;
  INFO("exit after " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CHECK(code == 0);
  CHECK(took < 5s);
  CHECK_THAT(first.log(), Catch::Contains("stopped: SIGTERM"));
  const Lsn confirmed_after_stop = confirmed_flush_lsn(cluster, kSlot);

  const auto delivered = row_changes(all_messages(kafka.bootstrap_servers(), "first", 1));
  REQUIRE(!delivered.empty());
  Lsn last_delivered = 0;
  for (const auto& c : delivered) last_delivered = std::max(last_delivered, c.lsn.value());
  INFO(delivered.size() << " delivered before the stop, the last at " << format_lsn(last_delivered)
                        << ", slot confirmed " << format_lsn(confirmed_after_stop));
  CHECK(confirmed_after_stop >= last_delivered);
  // What was logged was logged before it was produced (processors run in order): the log has
  // every change Kafka has.
  CHECK(ids_of(logged_row_changes(first.log())).size() >= ids_of(delivered).size());

  // A restart takes over from there: the rest arrives, and no transaction committed at or
  // before the confirmed position comes again.
  env["E2E_TOPIC"] = "second";
  HostProcess second(dir / "second.log", env);
  const auto xids = writer.join();
  const auto lsns = transaction_lsns(cluster, kReferenceSlot);
  REQUIRE(wait_confirmed(cluster, kSlot, last_commit(lsns, xids)));
  second.signal(SIGTERM);
  CHECK(second.wait_exit(10s) == 0);
  const auto rest = row_changes(all_messages(kafka.bootstrap_servers(), "second", 1));
  std::set<int> all = ids_of(delivered);
  for (int id : ids_of(rest)) all.insert(id);
  CHECK(missing_ids(all, 1, kRows) == "");
  const auto again = committed_by(rest, lsns, confirmed_after_stop);
  if (!again.empty()) FAIL_CHECK("came again though committed at or before the confirmed LSN: " << again.front().json);
}

TEST_CASE("the original's default config (POPYKA_CONFIG unset) runs unchanged with POPYKA_DB_DSN and "
          "POPYKA_KAFKA_BOOTSTRAP_SERVERS") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE product(id serial PRIMARY KEY, name text NOT NULL, price numeric(12,2))");
  MockKafkaProcess kafka({"--topic", "popyka:3"});
  TempDir dir;
  HostProcess host(dir / "host.log", host_env({}, cluster, kafka.bootstrap_servers()));
  REQUIRE(host.wait_for_log("streaming replication slot \"popyka\""));
  const std::string log_at_start = host.log();
  CHECK_THAT(log_at_start, Catch::Contains("IgnoreTxFilter"));
  CHECK_THAT(log_at_start, Catch::Contains("LogChangeProcessor"));
  CHECK_THAT(log_at_start, Catch::Contains("ProduceToKafkaProcessor"));

  cluster.exec("INSERT INTO product(name, price) VALUES ('widget', 1.99), ('gadget', 1234567890.25)");
  cluster.exec("UPDATE product SET price = price * 2 WHERE id = 1");
  cluster.exec("DELETE FROM product WHERE id = 2");
  const auto records = all_messages(kafka.bootstrap_servers(), "popyka", 4, 30s);
  REQUIRE(records.size() == 4);  // I, I, U, D: B and C filtered out
  std::multiset<std::string> keys, values;
  for (const auto& r : records) {
    keys.insert(r.key.value_or("null"));
    CHECK(r.headers.contains("lsn"));
    values.insert(r.value);
  }
  CHECK(keys == std::multiset<std::string>{R"({"id":1})", R"({"id":1})", R"({"id":2})", R"({"id":2})"});
  // Logged on one line, exact; on stderr by the time the change is confirmed (the log is written in blocks).
  CHECK(host.wait_for_log(R"("value":1234567890.25)"));
  host.signal(SIGTERM);
  CHECK(host.wait_exit(10s) == 0);
  CHECK(cluster.query_value("SELECT plugin FROM pg_replication_slots WHERE slot_name = 'popyka'") == "wal2json");
}
