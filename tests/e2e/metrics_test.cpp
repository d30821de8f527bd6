// Issue 8: a running popyka-host's /metrics and /healthz, scraped over HTTP, against what the
// test made PostgreSQL send it.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <csignal>

#include "e2e_support.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

TEST_CASE("a running host's /metrics counts what it was sent, /healthz says it streams") {
  auto& cluster = PostgresCluster::shared();
  create_rows_table(cluster);
  TempDir dir;
  const auto config = dir.write("popyka.yaml", database_yaml("metrics_slot") +
                                                    "filters: [{class: popyka.builtin.filters.IgnoreTxFilter}]\n"
                                                    "processors: [{class: popyka.builtin.processors.LogChangeProcessor}]\n");
  auto env = host_env(config, cluster);
  const int port = listen_for_metrics(env);
  HostProcess host(dir / "host.log", env);
  REQUIRE(host.wait_for_log("streaming replication slot"));

  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == "streaming\n");

  insert_rows(cluster, 1, 500);  // one transaction: B, 500 I, C
  const std::string processed = R"(popyka_changes_processed_total{processor="processors[0]:popyka.builtin.processors.LogChangeProcessor",action="I"})";
  std::string text;
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < give_up) {
    auto response = client.Get("/metrics");
    REQUIRE(response);
    text = response->body;
    if (sample(text, processed) == 500 && sample(text, "popyka_confirmed_lsn") >= sample(text, "popyka_processed_lsn")) break;
    std::this_thread::sleep_for(100ms);
  }
  INFO(text);
  CHECK(sample(text, processed) == 500);
  CHECK(sample(text, R"(popyka_changes_received_total{action="I"})") == 500);
  CHECK(sample(text, R"(popyka_changes_received_total{action="B"})") == 1);
  CHECK(sample(text, R"(popyka_changes_filtered_total{action="B"})") == 1);
  CHECK(sample(text, R"(popyka_changes_filtered_total{action="C"})") == 1);
  CHECK(sample(text, "popyka_received_bytes_total") > 500 * 50);
  // Everything done is confirmed, and the server agrees.
  const double confirmed = sample(text, "popyka_confirmed_lsn");
  CHECK(confirmed >= sample(text, "popyka_processed_lsn"));
  CHECK(confirmed <= static_cast<double>(confirmed_flush_lsn(cluster, "metrics_slot")));
  CHECK(sample(text, "popyka_slot_retained_wal_bytes") >= 0);
  CHECK(sample(text, "popyka_replication_lag_seconds") >= 0);
  CHECK(sample(text, "popyka_reconnects_total") == 0);

  host.signal(SIGTERM);
  CHECK(host.wait_exit(10s) == 0);
  CHECK_THAT(host.log(), Catch::Contains("stopped: SIGTERM"));
}
