#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "source/replication/snapshot/initial_snapshot.hpp"
#include "source/replication/transport/replication_connection.hpp"

namespace popyka::source::replication {

// Runs `COPY (...) TO STDOUT` on `connection` and calls `on_row` with each text row, without its
// newline; stops early (the connection is then unusable) when `on_row` returns false. Throws
// ServerError, ConnectionLost. The initial and the incremental snapshots read with it.
void copy_rows(ReplicationConnection& connection, const std::string& copy_command,
               const std::function<bool(std::string_view)>& on_row);

// An ordinary connection inside the slot's exported snapshot: BEGIN ISOLATION LEVEL REPEATABLE
// READ, READ ONLY; SET TRANSACTION SNAPSHOT; the walsender's output settings. Every reader of
// the snapshot has one, so all of them see the same rows.
class SnapshotConnection {
 public:
  // Throws ConnectionLost (also when the snapshot cannot be imported: the exporting connection
  // went away).
  explicit SnapshotConnection(const InitialSnapshot& snapshot);

  ReplicationConnection& connection() { return connection_; }

  // copy_rows() on this connection.
  void copy_out(const std::string& copy_command, const std::function<bool(std::string_view)>& on_row);

  // Asks the server to cancel the command this connection runs (a COPY waiting for a lock that
  // another session holds), from any thread; the command then fails with ServerError. The server
  // ignores it when nothing runs.
  void cancel();

 private:
  ReplicationConnection connection_;
  // Made on the connection's own thread: PQcancel() with it is safe from any other.
  std::unique_ptr<PGcancel, void (*)(PGcancel*)> canceller_;
};

}  // namespace popyka::source::replication
