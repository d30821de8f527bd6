// Issue 19: a slot the server invalidated (max_slot_wal_keep_size), through the real
// popyka-host: lost before it starts, and lost while it streams after a warning that it was
// about to be. Either way one line, exit 1, no reconnect loop.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <sstream>

#include "e2e_support.hpp"
#include "slot_wal.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

namespace {

std::string log_config(const std::string& slot) {
  return database_yaml(slot) + "filters: []\nprocessors: [{class: popyka.builtin.processors.LogChangeProcessor}]\n";
}

// The log's one line saying the slot was invalidated; empty when there is none.
std::string invalidated_line(const std::string& log) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("the server invalidated replication slot") != std::string::npos) return line;
  }
  return {};
}

void check_invalidated_line(const std::string& line, const std::string& slot, const PostgresCluster& cluster) {
  const Lsn confirmed = confirmed_flush_lsn(cluster, slot);
  CHECK_THAT(line, Catch::StartsWith("popyka-host: error: the server invalidated replication slot \"" + slot +
                                     "\" (wal_status = lost") &&
                       Catch::Contains("changes since its confirmed position " + format_lsn(confirmed) +
                                       " cannot be streamed") &&
                       Catch::Contains("SELECT pg_drop_replication_slot('" + slot + "')") &&
                       Catch::Contains("database.snapshot: initial"));
}

}  // namespace

TEST_CASE("a slot lost before popyka-host starts: one line naming it and how to recover, exit 1") {
  PostgresCluster cluster({.settings = {small_slot_wal_keep_size}});
  cluster.exec("SELECT pg_create_logical_replication_slot('lost_before', 'wal2json')");
  REQUIRE(push_slot_to(cluster, "lost_before", "lost"));

  TempDir dir;
  HostProcess host(dir / "host.log", host_env(dir.write("popyka.yaml", log_config("lost_before")), cluster));
  REQUIRE(host.wait_exit(60s) == 1);
  const std::string log = host.log();
  INFO(log);
  check_invalidated_line(invalidated_line(log), "lost_before", cluster);
  CHECK_THAT(log, !Catch::Contains("reconnecting"));
}

TEST_CASE("a slot falling behind max_slot_wal_keep_size: a warning and metrics while unreserved, one line and exit 1 "
          "once lost") {
  PostgresCluster cluster({.settings = {small_slot_wal_keep_size}});
  TempDir dir;
  auto env = host_env(dir.write("popyka.yaml", log_config("lost_while_running")), cluster);
  const int port = listen_for_metrics(env);
  HostProcess host(dir / "host.log", env);
  REQUIRE(host.wait_for_log("streaming replication slot"));
  httplib::Client client("127.0.0.1", port);
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(sample(metrics->body, R"(popyka_slot_wal_status{status="reserved"})") == 1);
  CHECK(sample(metrics->body, "popyka_slot_safe_wal_size_bytes") > 0);

  // A transaction left open keeps the slot's restart_lsn back while popyka-host confirms.
  const OpenTransaction holds_the_slot_back(cluster);
  REQUIRE(push_slot_to(cluster, "lost_while_running", "unreserved"));
  // The progress log asks about the slot every 10 s, scraped or not.
  CHECK(host.wait_for_log("replication slot \"lost_while_running\" is unreserved (wal_status)", 60s));
  metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(sample(metrics->body, R"(popyka_slot_wal_status{status="unreserved"})") == 1);
  CHECK(sample(metrics->body, R"(popyka_slot_wal_status{status="reserved"})") == 0);

  // The checkpoint removes the WAL, invalidates the slot and ends its walsender.
  REQUIRE(push_slot_to(cluster, "lost_while_running", "lost"));
  REQUIRE(host.wait_exit(60s) == 1);
  const std::string log = host.log();
  INFO(log);
  check_invalidated_line(invalidated_line(log), "lost_while_running", cluster);
  CHECK_THAT(log, !Catch::Contains("reconnect attempt"));
}
