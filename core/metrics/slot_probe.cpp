#include "metrics/slot_probe.hpp"

#include <libpq-fe.h>

#include <charconv>

namespace popyka::metrics {

struct SlotProbe::Connection {
  PGconn* conn = nullptr;
  ~Connection() { PQfinish(conn); }
};

SlotProbe::SlotProbe(std::string connect_url, std::string slot_name)
    : connect_url_(std::move(connect_url)), slot_name_(std::move(slot_name)) {}

SlotProbe::~SlotProbe() = default;

std::optional<SlotStatus> SlotProbe::query() {
  std::lock_guard lock(mutex_);
  if (!connection_ || PQstatus(connection_->conn) != CONNECTION_OK) {
    // The user's URL or key=value string, with a short timeout so a scrape never hangs long.
    const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char* values[] = {connect_url_.c_str(), "2", "popyka-metrics", nullptr};
    connection_ = std::make_unique<Connection>();
    connection_->conn = PQconnectdbParams(keys, values, 1);
    if (PQstatus(connection_->conn) != CONNECTION_OK) {
      connection_.reset();
      return std::nullopt;
    }
  }
  const char* params[] = {slot_name_.c_str()};
  PGresult* result = PQexecParams(connection_->conn,
                                  "select (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint, "
                                  "(pg_current_wal_lsn() - restart_lsn)::bigint from pg_replication_slots where slot_name = $1",
                                  1, nullptr, params, nullptr, nullptr, 0);
  std::optional<SlotStatus> status;
  if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1 && !PQgetisnull(result, 0, 1)) {
    auto read = [&](int column) {
      std::int64_t value = 0;
      const char* text = PQgetvalue(result, 0, column);
      std::from_chars(text, text + PQgetlength(result, 0, column), value);
      return value;
    };
    status = SlotStatus{read(0), read(1)};
  }
  PQclear(result);
  return status;
}

}  // namespace popyka::metrics
