#include "source/replication/incremental/chunk_reader.hpp"

#include <fmt/format.h>

#include <regex>

#include "decode/json_array_elements.hpp"
#include "popyka/sdk/json.hpp"
#include "source/replication/incremental/watermark.hpp"
#include "source/replication/snapshot/snapshot_connection.hpp"

namespace popyka::source::replication::incremental {
namespace {

// SQLSTATE insufficient_privilege.
constexpr std::string_view insufficient_privilege = "42501";

std::string key_column_list(const ChunkTable& table) {
  std::string list;
  for (std::size_t column : table.columns.primary_key) {
    list += (list.empty() ? "" : ", ") + table.columns.quoted_names[column];
  }
  return list;
}

}  // namespace

ChunkReader::ChunkReader(const config::DatabaseSpec& database, OutputSettings settings)
    : database_(database), settings_(std::move(settings)) {}

ReplicationConnection& ChunkReader::connection() {
  if (connection_) return *connection_;
  auto connection =
      std::make_unique<ReplicationConnection>(database_.connect_url, /*replication=*/false, database_.application_name);
  for (const auto& [name, value] : settings_) {
    connection->execute(fmt::format("SELECT set_config({}, {}, false)", connection->quote_literal(name),
                                    connection->quote_literal(value)));
  }
  // The watermarks' commit flushes (write_watermark()), whatever the server's default.
  connection->execute("SET synchronous_commit = on");
  connection_ = std::move(connection);
  return *connection_;
}

std::vector<std::string> ChunkReader::resolve(std::string_view pattern) {
  std::vector<std::string> names;
  const auto tables = list_tables(connection());
  for (const CatalogTable& table : tables) {
    if (table.schema + "." + table.name == pattern) return {std::string(pattern)};
  }
  try {
    const std::regex expression{std::string(pattern)};
    for (const CatalogTable& table : tables) {
      const std::string name = table.schema + "." + table.name;
      if (std::regex_match(name, expression)) names.push_back(name);
    }
  } catch (const std::regex_error& e) {
    throw SnapshotRefused(fmt::format("data-collection {} is neither a table nor a regular expression ({})", pattern,
                                      e.what()));
  }
  if (names.empty()) {
    throw SnapshotRefused(fmt::format(
        "no table {} in the database (name plain tables or partitions as schema.table, or a regular expression "
        "matching such names)",
        pattern));
  }
  return names;
}

const ChunkTable& ChunkReader::table(const std::string& name) {
  if (auto found = tables_.find(name); found != tables_.end()) return *found->second;
  auto catalog = list_tables(connection(), {name});
  if (catalog.empty()) throw SnapshotRefused(fmt::format("no table {} in the database", name));
  TableColumns columns = columns_of(connection(), catalog.front());
  if (columns.primary_key.empty()) {
    throw SnapshotRefused(fmt::format(
        "table {} has no primary key: an incremental snapshot reads a table in primary key order; add a primary key "
        "to it (ALTER TABLE {} ADD PRIMARY KEY (...))",
        name, catalog.front().quoted));
  }
  std::vector<std::string> key_names;
  for (std::size_t column : columns.primary_key) key_names.push_back(columns.columns[column].name);
  decode::RowFormat format(catalog.front().schema, catalog.front().name, columns.columns, include_pk(database_));
  auto table = std::make_unique<ChunkTable>(
      ChunkTable{name, std::move(catalog.front()), std::move(columns), std::move(key_names), std::move(format)});
  return *tables_.emplace(name, std::move(table)).first->second;
}

void ChunkReader::check_condition(const ChunkTable& table, const std::string& condition) {
  if (condition.empty()) return;
  try {
    connection().execute(fmt::format("EXPLAIN SELECT 1 FROM ONLY {} WHERE ({})", table.catalog.quoted, condition));
  } catch (const ServerError& e) {
    throw SnapshotRefused(fmt::format("the condition for {} is not valid: {}", table.name, e.what()));
  }
}

std::string ChunkReader::key_literals(const ChunkTable& table, std::string_view key) {
  std::vector<std::string_view> values;
  decode::json_array_elements(key, values);
  if (values.size() != table.columns.primary_key.size()) {
    throw SnapshotRefused(fmt::format("the last key {} read of {} does not fit its primary key", key, table.name));
  }
  std::string literals;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const decode::SnapshotColumn& column = table.columns.columns[table.columns.primary_key[i]];
    // The stream's text of the value: a JSON string's content, a number's digits; bytea as hex.
    std::string text = values[i].starts_with('"') ? sdk::decode_json_string(values[i]) : std::string(values[i]);
    if (column.type == "bytea") text = "\\x" + text;
    literals += fmt::format("{}{}::{}", literals.empty() ? "" : ", ", connection().quote_literal(text), column.type);
  }
  return literals;
}

void ChunkReader::read_chunk(const ChunkTable& table, const std::string& condition, const std::optional<std::string>& after,
                             std::size_t limit, ChunkWindow& window) {
  const std::string keys = key_column_list(table);
  std::string where;
  if (after) where = fmt::format("({}) > ({})", keys, key_literals(table, *after));
  if (!condition.empty()) where += fmt::format("{}({})", where.empty() ? "" : " AND ", condition);
  const std::string command =
      fmt::format("COPY (SELECT {} FROM ONLY {}{}{} ORDER BY {} LIMIT {}) TO STDOUT", table.columns.select_list,
                  table.catalog.quoted, where.empty() ? "" : " WHERE ", where, keys, limit);
  copy_rows(connection(), command, [&](std::string_view row) {
    window.append(row);
    return true;
  });
  window.finish_reading();
}

void ChunkReader::write_watermark(const std::string& content, bool flush) {
  ReplicationConnection& conn = connection();
  try {
    // Flushed at once: the walsender sends only flushed WAL, and a non-transactional message
    // alone would wait for the WAL writer (wal_writer_delay, 200 ms by default) on every chunk.
    // PostgreSQL 17 takes a flush argument; before, an xid makes the statement's commit flush
    // (synchronous_commit is on for this connection; a transaction without changes is never
    // decoded: nothing reaches the stream).
    const std::string emit = !flush ? "pg_logical_emit_message(false, {}, {})"
                             : PQserverVersion(conn.native()) >= 170000 ? "pg_logical_emit_message(false, {}, {}, true)"
                                                                        : "pg_logical_emit_message(false, {}, {}), txid_current()";
    conn.execute(fmt::format(fmt::runtime("SELECT " + emit), conn.quote_literal(watermark_prefix),
                             conn.quote_literal(content)));
  } catch (const ServerError& e) {
    if (e.sqlstate() == insufficient_privilege) {
      throw SnapshotRefused(fmt::format(
          "the role of database.connect_url may not call pg_logical_emit_message(), which writes the snapshot's "
          "watermarks: GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) TO that role ({})",
          e.what()));
    }
    if (conn.execute("SELECT pg_is_in_recovery()").value(0, 0) == "t") {
      throw SnapshotRefused(fmt::format(
          "database.connect_url names a standby, where the snapshot's watermarks cannot be written ({}); incremental "
          "snapshots need the primary: point connect_url at it",
          e.what()));
    }
    throw;
  }
}

}  // namespace popyka::source::replication::incremental
