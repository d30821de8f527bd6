#pragma once
#include <chrono>
#include <string>

#include "postgres_cluster.hpp"
#include "wait_until.hpp"

namespace popyka::test {

// Waits until a walsender streams from `slot`: it has run START_REPLICATION (pg_stat_replication
// says catchup or streaming). pg_replication_slots.active alone is not the sign: a slot is active
// too while CREATE_REPLICATION_SLOT finds its consistent point, before any initial snapshot is read.
inline bool wait_until_streaming(const PostgresCluster& cluster, const std::string& slot,
                                 std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const std::string streaming =
      "SELECT count(*) FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid"
      " WHERE s.slot_name = '" + slot + "' AND r.state IN ('catchup', 'streaming')";
  return wait_until([&] { return cluster.query_value(streaming) == "1"; }, limit);
}

}  // namespace popyka::test
