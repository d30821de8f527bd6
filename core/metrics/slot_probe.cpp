#include "metrics/slot_probe.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <charconv>

namespace popyka::metrics {
namespace {

// A standby has no current WAL position of its own: there, the WAL it has replayed. (wal_status
// and safe_wal_size came with PostgreSQL 13; popyka-host streams from 14 on.)
constexpr const char* slot_query =
    "select (wal_end - '0/0'::pg_lsn)::bigint, (wal_end - restart_lsn)::bigint, coalesce(wal_status, ''), "
    "safe_wal_size from pg_replication_slots, "
    "(select CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END) as w(wal_end) "
    "where slot_name = $1";

}  // namespace

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
  PGresult* result = PQexecParams(connection_->conn, slot_query, 1, nullptr, params, nullptr, nullptr, 0);
  std::optional<SlotStatus> status;
  if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1) {
    auto read = [&](int column) -> std::optional<std::int64_t> {
      if (PQgetisnull(result, 0, column)) return std::nullopt;
      std::int64_t value = 0;
      const char* text = PQgetvalue(result, 0, column);
      std::from_chars(text, text + PQgetlength(result, 0, column), value);
      return value;
    };
    status = SlotStatus{read(0).value_or(0), read(1), PQgetvalue(result, 0, 2), read(3)};
    notice_wal_status(*status);
  }
  PQclear(result);
  return status;
}

void SlotProbe::notice_wal_status(const SlotStatus& status) {
  if (status.wal_status == last_wal_status_) return;
  if (status.wal_status == "unreserved") {
    spdlog::warn("replication slot \"{}\" is unreserved (wal_status): it is more than max_slot_wal_keep_size "
                 "behind (safe_wal_size {}), and the next checkpoint removes WAL it still needs, which invalidates "
                 "it for good. Before that popyka-host must confirm past it: check popyka_replication_lag_bytes "
                 "(processors falling behind) and transactions open for long on the server (pg_stat_activity."
                 "xact_start), which hold the slot's restart_lsn back",
                 slot_name_, status.safe_wal_size ? std::to_string(*status.safe_wal_size) + " bytes" : "unknown");
  } else if (last_wal_status_ == "unreserved" && status.wal_status != "lost") {
    spdlog::info("replication slot \"{}\" is {} again (wal_status)", slot_name_, status.wal_status);
  }
  last_wal_status_ = status.wal_status;
}

}  // namespace popyka::metrics
