// A lost connection is waited out: stream_changes() reconnects with back-off, resumes from the
// slot and loses nothing; the log says what happened and when it recovered. Also: an idle slot's
// confirmed position follows the server.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "background_stream.hpp"
#include "log_capture.hpp"
#include "wait_until.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

// The ids of rows inserted into `table` among the received messages.
std::set<int> inserted_ids(const std::vector<ReceivedMessage>& messages, const std::string& table) {
  std::set<int> ids;
  const std::string marker = R"("action":"I")";
  const std::string of_table = "\"table\":\"" + table + "\"";
  const std::string id_value = R"({"name":"id","type":"integer","value":)";
  for (const auto& message : messages) {
    const auto& json = message.json;
    auto at = json.find(id_value);
    if (json.find(marker) == std::string::npos || json.find(of_table) == std::string::npos || at == std::string::npos) continue;
    ids.insert(std::stoi(json.substr(at + id_value.size())));
  }
  return ids;
}

void insert_rows(const PostgresCluster& cluster, const std::string& table, int from, int to) {
  for (int id = from; id <= to; ++id) cluster.exec("INSERT INTO " + table + " VALUES (" + std::to_string(id) + ")");
}

void check_survives(const std::function<void(PostgresCluster&, const LogCapture&)>& interrupt, const std::string& table) {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE " + table + "(id int PRIMARY KEY)");
  LogCapture log;
  RecordingConsumer consumer;
  BackgroundStream stream(database_spec(cluster, table), consumer);
  REQUIRE(wait_until_streaming(cluster, table));

  insert_rows(cluster, table, 1, 100);
  REQUIRE(consumer.wait_until([&](const auto& received) { return inserted_ids(received, table).size() >= 50; }));
  interrupt(cluster, log);  // mid-stream: part of the first 100 may not have been read yet
  insert_rows(cluster, table, 101, 200);
  cluster.exec(end_of_stream_sql);

  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  const auto ids = inserted_ids(consumer.received(), table);
  CHECK(ids.size() == 200);  // every row arrived, some maybe twice
  CHECK(*ids.begin() == 1);
  CHECK(*ids.rbegin() == 200);
  CHECK(log.contains("lost the replication connection"));
  CHECK(log.contains("replication connection recovered after"));
}

}  // namespace

TEST_CASE("a PostgreSQL restart mid-stream is waited out and nothing is lost", "[matrix]") {
  check_survives([](PostgresCluster& cluster, const LogCapture&) { cluster.restart(); }, "across_restart");
}

TEST_CASE("a PostgreSQL crash mid-stream is waited out and nothing is lost", "[matrix]") {
  check_survives(
      [](PostgresCluster& cluster, const LogCapture& log) {
        cluster.kill();
        REQUIRE(wait_until([&] { return log.contains("reconnect attempt 1 failed"); }));  // while it is down
        cluster.start();
      },
      "across_crash");
}

TEST_CASE("an idle slot's confirmed position follows the server's keepalives") {
  // Writes in another database make WAL but no message for this slot: confirming only consumed
  // changes would hold that WAL forever.
  auto& cluster = PostgresCluster::shared();
  cluster.create_database("elsewhere");
  RecordingConsumer consumer;
  BackgroundStream stream(database_spec(cluster, "idle"), consumer);
  REQUIRE(wait_until_streaming(cluster, "idle"));

  cluster.exec("CREATE TABLE busy_table(x int)", "elsewhere");
  for (int i = 0; i < 5; ++i) cluster.exec("INSERT INTO busy_table VALUES (1)", "elsewhere");
  const auto target = *cluster.query_value("SELECT pg_current_wal_insert_lsn()", "elsewhere");

  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool caught_up = false;
  while (!caught_up && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    caught_up = cluster.query_value("SELECT confirmed_flush_lsn >= '" + target +
                                    "' FROM pg_replication_slots WHERE slot_name = 'idle'") == "t";
  }
  CHECK(caught_up);
  CHECK(consumer.received().empty());

  cluster.exec(end_of_stream_sql);
  CHECK(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
}
