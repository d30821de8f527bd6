#pragma once
#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace popyka::source::replication {

// The connection could not be made or broke: reconnecting may help (server restarting, network).
class ConnectionLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server answered a command with an error.
class ServerError : public std::runtime_error {
 public:
  ServerError(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// A command's result; owns the PGresult.
class QueryResult {
 public:
  explicit QueryResult(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view value(int row, int column) const { return PQgetvalue(result_.get(), row, column); }
  ExecStatusType status() const { return PQresultStatus(result_.get()); }
  // An error result's field (PG_DIAG_SQLSTATE, PG_DIAG_MESSAGE_PRIMARY...), empty when absent.
  std::string_view error_field(int field) const {
    const char* text = PQresultErrorField(result_.get(), field);
    return text == nullptr ? std::string_view{} : std::string_view{text};
  }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

// One libpq connection in logical replication mode to the slot's database. It takes the user's
// connect_url as it is, URI (`postgresql://...`) or key=value form, and adds
// replication=database (see the constructor).
class ReplicationConnection {
 public:
  // Throws ConnectionLost with libpq's reason on one line. With `replication` false it is an
  // ordinary connection to the same database (the initial snapshot's reads, heartbeats).
  // `application_name` unless connect_url sets one.
  explicit ReplicationConnection(const std::string& connect_url, bool replication = true,
                                 const std::string& application_name = "popyka");
  ~ReplicationConnection();
  ReplicationConnection(const ReplicationConnection&) = delete;
  ReplicationConnection& operator=(const ReplicationConnection&) = delete;

  // Runs one command over the simple query protocol (the only one a walsender speaks): SQL or
  // a replication command. Throws ServerError for an error result, ConnectionLost when the
  // connection broke or the server is shutting down.
  QueryResult execute(const std::string& command);
  // After PQgetCopyData() returned -1 for a `COPY ... TO STDOUT` that execute() started: the
  // command's own result. Throws as execute() does (an error in the middle of the COPY).
  void finish_copy_out();

  std::string quote_literal(std::string_view text) const;
  int backend_pid() const { return PQbackendPID(conn_); }
  int socket() const { return PQsocket(conn_); }
  PGconn* native() const { return conn_; }

  // Throws ConnectionLost with libpq's current error message, prefixed by `what`.
  [[noreturn]] void throw_lost(std::string_view what) const;

 private:
  // `result` when it succeeded; else throws ServerError or ConnectionLost.
  QueryResult checked(QueryResult result);

  PGconn* conn_;
};

// libpq's messages span lines ("...failed: FATAL:  ...\n"); logs and errors want one line.
std::string one_line(std::string_view message);

// `what: <libpq's message, on one line>`, or `what` alone (saying so) when libpq gave none.
std::string with_libpq_reason(std::string_view what, std::string_view libpq_message);

}  // namespace popyka::source::replication
