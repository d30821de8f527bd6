// `format: debezium` through popyka-host into popyka-mock-kafka, read back with a real consumer:
// logical decoding messages (op m) on Debezium's `<topic_prefix>.message` topic, only the
// prefixes asked for and never the host's own (`popyka.`); and transaction metadata (BEGIN and
// END on `<topic_prefix>.transaction`, each event's transaction block) whose counts are those of
// the events this processor sent, after a global and a per-processor filter, over two tables.
#include <catch2/catch.hpp>

#include <csignal>

#include "e2e_support.hpp"
#include "mock_kafka_process.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

namespace {

// popyka-host with one Debezium processor (`extra` added to its config, `processor_filters` as
// its own filters) and `global_filters`, until `sql` is confirmed; stops it.
void run_host(std::string_view slot, const MockKafkaProcess& kafka, const std::string& extra, const std::string& global_filters,
              const std::string& processor_filters, const std::vector<std::string>& sql) {
  auto& cluster = PostgresCluster::shared();
  std::string processor = kafka_processor_yaml("dbserver1.{schema}.{table}");
  if (!processor_filters.empty()) {
    const std::string class_line = "ProduceToKafkaProcessor\n";
    processor.insert(processor.find(class_line) + class_line.size(), "    filters:\n" + processor_filters);
  }
  const std::string yaml = database_yaml(slot) + "filters:" + (global_filters.empty() ? " []\n" : "\n" + global_filters) + "processors:\n" +
                           processor + "      format: debezium\n      topic_prefix: dbserver1\n      database_name: postgres\n" + extra;
  TempDir dir;
  const auto config = dir.write("popyka.yaml", yaml);
  HostProcess host(dir / "popyka.log", host_env(config, cluster, kafka.bootstrap_servers()));
  const bool streaming = host.wait_for_log("streaming replication slot", 40s);
  INFO(host.log());
  REQUIRE(streaming);
  for (const std::string& s : sql) cluster.exec(s);
  const Lsn end = parse_lsn(cluster.query_value("SELECT pg_current_wal_lsn()::text").value());
  REQUIRE(wait_confirmed(cluster, std::string(slot), end, 30s));
  host.signal(SIGTERM);
  CHECK(host.wait_exit(10s) == 0);
}

std::string filter_yaml(std::string_view indent, std::string_view table_regex) {
  const std::string i(indent);
  return i + "- class: popyka.builtin.filters.TableNameIgnoreFilter\n" + i + "  config: {ignore_regex: \"" + std::string(table_regex) + "\"}\n";
}

// The txid part of a transaction id `<txid>:<lsn>`.
std::string txid_of(const std::string& id) { return id.substr(1, id.find(':') - 1); }

}  // namespace

TEST_CASE("format: debezium end to end: the logical decoding messages asked for reach <prefix>.message, the host's never",
          "[matrix]") {
  MockKafkaProcess kafka({"--topic", "dbserver1.message:1"});
  run_host("e2e_dbz_messages", kafka, "      message_prefix_exclude_list: \"skip.*\"\n", "", "",
           {"SELECT pg_logical_emit_message(true, 'app', 'in a transaction')",
            "SELECT pg_logical_emit_message(false, 'skip.me', 'excluded')",
            "SELECT pg_logical_emit_message(false, 'popyka.signal', 'the host''s')",
            "SELECT pg_logical_emit_message(false, 'app2', 'outside one')"});
  const auto got = consume(kafka.bootstrap_servers(), "dbserver1.message", 2);
  REQUIRE(got.size() == 2);
  CHECK(*got[0].key == R"({"prefix":"app"})");
  CHECK(json_at(got[0].value, "/op") == R"("m")");
  CHECK(json_at(got[0].value, "/message") == R"({"prefix":"app","content":"aW4gYSB0cmFuc2FjdGlvbg=="})");
  CHECK(json_at(got[0].value, "/source/txId") != "null");  // transactional
  CHECK(*got[1].key == R"({"prefix":"app2"})");
  CHECK(json_at(got[1].value, "/source/txId") == "null");
}

TEST_CASE("format: debezium end to end with transaction_metadata: BEGIN and END with the counts of the events sent, after filters",
          "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  for (const char* t : {"dbz_tx_a", "dbz_tx_b", "dbz_tx_ignored", "dbz_tx_private"})
    cluster.exec(std::string("CREATE TABLE ") + t + "(id int PRIMARY KEY, v text)");
  MockKafkaProcess kafka({"--topic", "dbserver1.public.dbz_tx_a:1", "--topic", "dbserver1.public.dbz_tx_b:1", "--topic",
                          "dbserver1.transaction:1"});
  run_host("e2e_dbz_tx", kafka, "      transaction_metadata: true\n", filter_yaml("  ", "dbz_tx_ignored"),
           filter_yaml("      ", "dbz_tx_private"),
           {"BEGIN; INSERT INTO dbz_tx_a VALUES (1, 'x'); INSERT INTO dbz_tx_b VALUES (1, 'x');"
            "INSERT INTO dbz_tx_ignored VALUES (1, 'x'); INSERT INTO dbz_tx_private VALUES (1, 'x');"
            "INSERT INTO dbz_tx_a VALUES (2, 'x'); UPDATE dbz_tx_a SET v = 'y' WHERE id = 1; COMMIT"});
  const auto a = consume(kafka.bootstrap_servers(), "dbserver1.public.dbz_tx_a", 3);
  const auto b = consume(kafka.bootstrap_servers(), "dbserver1.public.dbz_tx_b", 1);
  REQUIRE(a.size() == 3);
  REQUIRE(b.size() == 1);
  const std::string txid = txid_of(json_at(a[0].value, "/transaction/id"));
  const std::string a_orders[][2] = {{"1", "1"}, {"3", "2"}, {"4", "3"}};  // total_order, data_collection_order
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(a[i].value);
    CHECK(txid_of(json_at(a[i].value, "/transaction/id")) == txid);
    CHECK(json_at(a[i].value, "/transaction/id") == "\"" + txid + ":" + json_at(a[i].value, "/source/lsn") + "\"");
    CHECK(json_at(a[i].value, "/transaction/total_order") == a_orders[i][0]);
    CHECK(json_at(a[i].value, "/transaction/data_collection_order") == a_orders[i][1]);
  }
  CHECK(json_at(b[0].value, "/transaction/total_order") == "2");
  CHECK(json_at(b[0].value, "/transaction/data_collection_order") == "1");

  // Other tests' transactions on the same server come too (empty ones here): this one's pair.
  const auto events = all_messages(kafka.bootstrap_servers(), "dbserver1.transaction", 2);
  std::vector<Record> ours;
  for (const Record& r : events)
    if (txid_of(json_at(r.value, "/id")) == txid) ours.push_back(r);
  REQUIRE(ours.size() == 2);
  CHECK(json_at(ours[0].value, "/status") == R"("BEGIN")");
  CHECK(json_at(ours[0].value, "/event_count") == "null");
  CHECK(*ours[0].key == "{\"id\":" + json_at(ours[0].value, "/id") + "}");
  CHECK(json_at(ours[1].value, "/status") == R"("END")");
  CHECK(json_at(ours[1].value, "/event_count") == "4");
  CHECK(json_at(ours[1].value, "/data_collections") ==
        R"([{"data_collection":"public.dbz_tx_a","event_count":3},{"data_collection":"public.dbz_tx_b","event_count":1}])");
  CHECK(*ours[1].key == "{\"id\":" + json_at(ours[1].value, "/id") + "}");
  CHECK(json_at(ours[1].value, "/ts_ms") == json_at(a[0].value, "/source/ts_ms"));  // the commit time
}
