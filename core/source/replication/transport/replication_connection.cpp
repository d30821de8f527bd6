#include "source/replication/transport/replication_connection.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>

#include "config/secrets.hpp"
#include "runtime/redaction.hpp"

namespace popyka::source::replication {
namespace {

// SQLSTATE classes that mean the connection is gone or going: 08 connection exception,
// 57P admin/crash shutdown or server starting up.
// Server notices (wal2json warns about UPDATE/DELETE on tables without a replica identity) go
// to the log instead of libpq's raw stderr.
void log_notice(void*, const char* message) { spdlog::warn("PostgreSQL: {}", one_line(message)); }

bool means_connection_lost(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate.starts_with("57P");
}

}  // namespace

std::string one_line(std::string_view message) {
  std::string line;
  bool pending_space = false, pending_break = false;
  for (char c : message) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !line.empty();
      pending_break = pending_break || (pending_space && c == '\n');
      continue;
    }
    // A line break between two sentences ("refused\n\tIs the server running") keeps a mark.
    if (pending_break && std::string_view(".:;,").find(line.back()) == std::string_view::npos) line += ';';
    if (pending_space) line += ' ';
    pending_space = pending_break = false;
    line += c;
  }
  return line;
}

ReplicationConnection::ReplicationConnection(const std::string& connect_url, bool replication,
                                             const std::string& application_name) {
  // With expand_dbname, a `dbname` holding a URI or key=value string is expanded in place and
  // later keywords override what it set; so replication=database always wins whatever form the
  // user wrote (and whatever `replication=` it carried), with no string surgery on the DSN.
  // connect_timeout comes first so the user's own value overrides it: without any, a host that
  // drops packets would block a reconnect (and a stop) for minutes.
  // An ordinary connection says replication=false, which also overrides one in the user's DSN.
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", "replication", nullptr};
  const char* values[] = {"10", application_name.c_str(), connect_url.c_str(), replication ? "database" : "false", nullptr};
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn_ == nullptr) throw ConnectionLost("libpq could not allocate a connection");
  if (PQstatus(conn_) != CONNECTION_OK) {
    // libpq may quote the connection string it could not parse: never its password.
    std::string reason = runtime::redact(one_line(PQerrorMessage(conn_)), config::dsn_passwords(connect_url));
    PQfinish(conn_);
    throw ConnectionLost(reason);
  }
  PQsetNoticeProcessor(conn_, &log_notice, nullptr);
}

ReplicationConnection::~ReplicationConnection() { PQfinish(conn_); }

QueryResult ReplicationConnection::execute(const std::string& command) {
  return checked(QueryResult(PQexec(conn_, command.c_str())));
}

void ReplicationConnection::finish_copy_out() {
  checked(QueryResult(PQgetResult(conn_)));
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
}

QueryResult ReplicationConnection::checked(QueryResult result) {
  switch (result.status()) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
      return result;
    default:
      break;
  }
  if (PQstatus(conn_) == CONNECTION_BAD) throw_lost("connection lost");
  std::string sqlstate(result.error_field(PG_DIAG_SQLSTATE));
  std::string message(result.error_field(PG_DIAG_MESSAGE_PRIMARY));
  if (message.empty()) message = one_line(PQerrorMessage(conn_));
  if (means_connection_lost(sqlstate)) throw ConnectionLost(message);
  throw ServerError(std::move(sqlstate), message);
}

std::string ReplicationConnection::quote_literal(std::string_view text) const {
  char* quoted = PQescapeLiteral(conn_, text.data(), text.size());
  if (quoted == nullptr) throw_lost("cannot quote a literal");
  std::string result(quoted);
  PQfreemem(quoted);
  return result;
}

void ReplicationConnection::throw_lost(std::string_view what) const {
  throw ConnectionLost(with_libpq_reason(what, PQerrorMessage(conn_)));
}

std::string with_libpq_reason(std::string_view what, std::string_view libpq_message) {
  const std::string reason = one_line(libpq_message);
  return reason.empty() ? fmt::format("{} (libpq gave no reason)", what) : fmt::format("{}: {}", what, reason);
}

}  // namespace popyka::source::replication
