#include "source/replication/snapshot/snapshot_connection.hpp"

#include <fmt/format.h>

#include <array>
#include <memory>

namespace popyka::source::replication {
namespace {

struct PqFree {
  void operator()(char* buffer) const { PQfreemem(buffer); }
};

}  // namespace

SnapshotConnection::SnapshotConnection(const InitialSnapshot& snapshot)
    : connection_(snapshot.database.connect_url, /*replication=*/false, snapshot.database.application_name),
      canceller_(PQgetCancel(connection_.native()), PQfreeCancel) {
  connection_.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  try {
    connection_.execute("SET TRANSACTION SNAPSHOT " + connection_.quote_literal(snapshot.exported_snapshot));
  } catch (const ServerError& e) {
    throw ConnectionLost(fmt::format("cannot import the slot's exported snapshot: {}", e.what()));
  }
  for (const auto& [name, value] : snapshot.settings) {
    connection_.execute(fmt::format("SELECT set_config({}, {}, true)", connection_.quote_literal(name),
                                    connection_.quote_literal(value)));
  }
}

void copy_rows(ReplicationConnection& connection, const std::string& copy_command,
               const std::function<bool(std::string_view)>& on_row) {
  connection.execute(copy_command);  // PGRES_COPY_OUT
  PGconn* conn = connection.native();
  for (;;) {
    char* raw = nullptr;
    const int size = PQgetCopyData(conn, &raw, /*async=*/0);
    if (size == -1) break;
    if (size < 0) connection.throw_lost("the COPY of a snapshot broke");
    std::unique_ptr<char, PqFree> row(raw);
    std::string_view text(raw, static_cast<std::size_t>(size));
    if (text.ends_with('\n')) text.remove_suffix(1);
    if (!on_row(text)) return;
  }
  connection.finish_copy_out();
}

void SnapshotConnection::copy_out(const std::string& copy_command, const std::function<bool(std::string_view)>& on_row) {
  copy_rows(connection_, copy_command, on_row);
}

void SnapshotConnection::cancel() {
  std::array<char, 256> error{};
  if (canceller_) PQcancel(canceller_.get(), error.data(), static_cast<int>(error.size()));
}

}  // namespace popyka::source::replication
