// database.streaming through the real popyka-host program: kill -9 while a streamed transaction
// is spooled, then a restart. Nothing of it was handed on before its commit, no spool file is
// left, and after the restart the server streams it again and every change comes once.
#include <catch2/catch.hpp>

#include <httplib.h>
#include <libpq-fe.h>

#include <csignal>
#include <filesystem>
#include <memory>

#include "e2e_support.hpp"
#include "wait_until.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

namespace {

const std::string kStreamingSlot = "e2e_streaming";

// What makes the walsender stream every transaction (tests/source/stream/stream_pgoutput_streaming_test.cpp).
std::string force_streaming(const PostgresCluster& cluster) {
  return cluster.major() >= 16 ? " options='-c debug_logical_replication_streaming=immediate'"
                               : " options='-c logical_decoding_work_mem=64kB'";
}

void exec(PGconn* conn, const std::string& sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn, sql.c_str()), PQclear);
  INFO(sql << ": " << PQerrorMessage(conn));
  REQUIRE((PQresultStatus(result.get()) == PGRES_COMMAND_OK || PQresultStatus(result.get()) == PGRES_TUPLES_OK));
}

std::string insert(int from, int to) {
  return "INSERT INTO streamed_rows SELECT i, repeat(md5(i::text), 3) FROM generate_series(" + std::to_string(from) +
         ", " + std::to_string(to) + ") i";
}

}  // namespace

TEST_CASE("kill -9 while a streamed transaction is spooled, then a restart: nothing handed on before its commit, no "
          "spool file left, every change once", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  // A publication of its own table only: FOR ALL TABLES would refuse other tests' updates of
  // tables without a replica identity in this database.
  cluster.exec("CREATE TABLE streamed_rows(id int PRIMARY KEY, v text)");
  cluster.exec("CREATE PUBLICATION streaming_e2e FOR TABLE streamed_rows");
  cluster.exec("SELECT pg_create_logical_replication_slot('" + kStreamingSlot + "', 'pgoutput')");
  TempDir dir;
  std::filesystem::create_directory(dir / "spool");
  const auto config = dir.write("popyka.yaml", database_yaml(kStreamingSlot, "pgoutput") +
                                                   "  publication: streaming_e2e\n"
                                                   "  streaming: on\n"
                                                   "  spool_memory_mb: 0\n"
                                                   "  spool_directory: \"" + dir.file("spool") + "\"\n"
                                                   "filters: [{class: popyka.builtin.filters.IgnoreTxFilter}]\n"
                                                   "processors: [{class: popyka.builtin.processors.LogChangeProcessor}]\n");
  auto env = host_env(config, cluster);
  env["POPYKA_DB_DSN"] += force_streaming(cluster);
  const int port = listen_for_metrics(env);
  auto first = std::make_unique<HostProcess>(dir / "first.log", env);
  REQUIRE(first->wait_for_log("streaming replication slot"));

  std::unique_ptr<PGconn, decltype(&PQfinish)> open(PQconnectdb(cluster.dsn().c_str()), PQfinish);
  REQUIRE(PQstatus(open.get()) == CONNECTION_OK);
  exec(open.get(), "BEGIN");
  exec(open.get(), insert(1, 3000));
  // Spooled: /metrics shows the open transaction and its bytes, its file is open but unlinked.
  httplib::Client client("127.0.0.1", port);
  REQUIRE(wait_until([&] {
    auto response = client.Get("/metrics");
    return response && sample(response->body, "popyka_streamed_transactions_open") == 1 &&
           sample(response->body, "popyka_stream_spooled_bytes") > 100'000;
  }));
  bool spool_file_open = false;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(first->pid()) + "/fd")) {
    std::error_code ignored;
    spool_file_open = spool_file_open || std::filesystem::read_symlink(fd, ignored).string().find("/spool/popyka-spool-") !=
                                             std::string::npos;
  }
  CHECK(spool_file_open);
  CHECK(std::filesystem::is_empty(dir / "spool"));
  first->signal(SIGKILL);
  REQUIRE(first->wait_exit(5s) == 128 + SIGKILL);
  CHECK(logged_row_changes(first->log()).empty());
  CHECK(std::filesystem::is_empty(dir / "spool"));

  exec(open.get(), insert(3001, 4000));
  exec(open.get(), "COMMIT");
  HostProcess second(dir / "second.log", env);
  REQUIRE(wait_until([&] { return logged_row_changes(second.log()).size() >= 4000; }, 120s));
  second.signal(SIGTERM);
  CHECK(second.wait_exit(10s) == 0);
  const auto changes = logged_row_changes(second.log());
  CHECK(changes.size() == 4000);
  CHECK(missing_ids(ids_of(changes), 1, 4000) == "");
  CHECK(std::filesystem::is_empty(dir / "spool"));
  REQUIRE(wait_until([&] {
    return cluster.query_value("SELECT active FROM pg_replication_slots WHERE slot_name = '" + kStreamingSlot + "'") == "f";
  }));
  cluster.exec("SELECT pg_drop_replication_slot('" + kStreamingSlot + "')");
}
