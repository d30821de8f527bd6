#pragma once
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/pipeline_config.hpp"
#include "decode/row_format.hpp"
#include "source/replication/incremental/chunk_window.hpp"
#include "source/replication/snapshot/initial_snapshot.hpp"
#include "source/replication/snapshot/snapshot_plan.hpp"
#include "source/replication/transport/replication_connection.hpp"

namespace popyka::source::replication::incremental {

// A request the snapshot cannot follow (an unknown table, one without a primary key, a malformed
// condition, a server that may not take watermarks): its what() says what is at fault and what to do.
class SnapshotRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What reading a table in chunks needs of it.
struct ChunkTable {
  std::string name;  // schema.table
  CatalogTable catalog;
  TableColumns columns;
  std::vector<std::string> key_names;  // the primary key's columns, in key order
  decode::RowFormat format;
};

// The incremental snapshot's own ordinary connection to connect_url (opened on first use, apart
// from the replication connection), with the walsender's output settings so values print exactly
// as the stream prints them: the tables, their chunks, the watermarks.
class ChunkReader {
 public:
  ChunkReader(const config::DatabaseSpec& database, OutputSettings settings);

  // `pattern`: `schema.table` exactly, or an anchored regular expression over those names (as
  // Debezium's data-collections). Throws SnapshotRefused when no table matches.
  std::vector<std::string> resolve(std::string_view pattern);
  // The table, its columns and key (asked once). Throws SnapshotRefused: gone, no primary key.
  const ChunkTable& table(const std::string& name);
  // Throws SnapshotRefused with the server's error when `condition` is not valid SQL for `table`.
  void check_condition(const ChunkTable& table, const std::string& condition);
  // Reads the next chunk of `table` into `window`: at most `limit` rows with a key above
  // `after` (all from the start when absent) meeting `condition`, in key order, by keyset.
  // Throws ServerError, ConnectionLost.
  void read_chunk(const ChunkTable& table, const std::string& condition, const std::optional<std::string>& after,
                  std::size_t limit, ChunkWindow& window);
  // Writes a watermark into the WAL: a non-transactional popyka.watermark message, flushed at once
  // with `flush` (the high one: the low one goes out with it). Throws SnapshotRefused (a standby,
  // a role without the right), ServerError, ConnectionLost.
  void write_watermark(const std::string& content, bool flush);
  // Forgets the connection (after it failed): the next use opens a new one.
  void reset() { connection_.reset(); }

 private:
  ReplicationConnection& connection();
  std::string key_literals(const ChunkTable& table, std::string_view key);

  const config::DatabaseSpec& database_;
  OutputSettings settings_;
  std::unique_ptr<ReplicationConnection> connection_;
  std::map<std::string, std::unique_ptr<ChunkTable>, std::less<>> tables_;
};

}  // namespace popyka::source::replication::incremental
