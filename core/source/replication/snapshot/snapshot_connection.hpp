#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "source/replication/snapshot/initial_snapshot.hpp"
#include "source/replication/transport/replication_connection.hpp"

namespace popyka::source::replication {

// An ordinary connection inside the slot's exported snapshot: BEGIN ISOLATION LEVEL REPEATABLE
// READ, READ ONLY; SET TRANSACTION SNAPSHOT; the walsender's output settings. Every reader of
// the snapshot has one, so all of them see the same rows.
class SnapshotConnection {
 public:
  // Throws ConnectionLost (also when the snapshot cannot be imported: the exporting connection
  // went away).
  explicit SnapshotConnection(const InitialSnapshot& snapshot);

  ReplicationConnection& connection() { return connection_; }

  // Runs `COPY (...) TO STDOUT` and calls `on_row` with each text row, without its newline; stops
  // early (the connection is then unusable) when `on_row` returns false. Throws ServerError,
  // ConnectionLost.
  void copy_out(const std::string& copy_command, const std::function<bool(std::string_view)>& on_row);

 private:
  ReplicationConnection connection_;
};

}  // namespace popyka::source::replication
