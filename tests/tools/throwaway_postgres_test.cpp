// The throwaway cluster the tests, the demo and the benchmarks start.
#include <catch2/catch.hpp>

#include "postgres_cluster.hpp"

using popyka::test::PostgresCluster;

TEST_CASE("the throwaway PostgreSQL takes extra postgresql.conf settings, the last one winning") {
  PostgresCluster cluster({.settings = {"max_wal_senders = 7", "work_mem = '8MB'", "work_mem = '16MB'"}});
  CHECK(cluster.query_value("SHOW max_wal_senders") == "7");
  CHECK(cluster.query_value("SHOW work_mem") == "16MB");
  CHECK(cluster.query_value("SHOW wal_level") == "logical");
}
