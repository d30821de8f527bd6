#include "slot_wal.hpp"

#include <stdexcept>

namespace popyka::test {

std::string slot_wal_status(const PostgresCluster& cluster, const std::string& slot) {
  return cluster.query_value("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'")
      .value_or("");
}

bool push_slot_to(const PostgresCluster& cluster, const std::string& slot, std::string_view wanted) {
  // A slot's WAL is unreserved one switch after it stops following, and lost at the checkpoint
  // after that: a few rounds are plenty.
  constexpr int max_segments = 10;
  for (int segment = 0; segment < max_segments; ++segment) {
    if (slot_wal_status(cluster, slot) == wanted) return true;
    // pg_switch_wal() does nothing on a segment with nothing written since the last switch.
    cluster.exec("SELECT pg_logical_emit_message(false, 'popyka-test-wal', 'wal'); SELECT pg_switch_wal();");
    if (wanted == "lost") cluster.exec("CHECKPOINT");
  }
  return slot_wal_status(cluster, slot) == wanted;
}

OpenTransaction::OpenTransaction(const PostgresCluster& cluster)
    : connection_(PQconnectdb(cluster.dsn().c_str()), &PQfinish) {
  cluster.exec("CREATE TABLE IF NOT EXISTS open_transaction (id int)");
  // Closing the connection (the destructor) rolls the transaction back.
  PGresult* result = PQexec(connection_.get(), "BEGIN; INSERT INTO open_transaction VALUES (1)");
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  if (!ok) throw std::runtime_error("cannot open a transaction: " + std::string(PQerrorMessage(connection_.get())));
}

}  // namespace popyka::test
