#include "source/replication/snapshot/snapshot_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "source/replication/column_definition_sql.hpp"
#include "source/replication/enum_labels_sql.hpp"
#include "source/replication/output_plugin/wal2json_plugin.hpp"
#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {
namespace {

// TID range scans (ctid >= .. AND ctid < ..) came with PostgreSQL 14; before, each range would
// scan the whole table.
constexpr int tid_range_scan_version = 140000;
constexpr std::uint64_t ranges_per_reader = 4;

}  // namespace

bool include_pk(const config::DatabaseSpec& database) {
  for (const auto& [name, value] : wal2json_options(database.wal2json_options)) {
    if (name != "include-pk") continue;
    std::string lower(value);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return !(lower == "0" || lower == "f" || lower == "false" || lower == "n" || lower == "no" || lower == "off");
  }
  return true;
}

std::vector<CatalogTable> list_tables(ReplicationConnection& connection, const std::vector<std::string>& only) {
  std::string filter;
  if (!only.empty()) {
    std::string list;
    for (const auto& name : only) list += (list.empty() ? "" : ", ") + connection.quote_literal(name);
    filter = fmt::format(" AND n.nspname || '.' || c.relname = ANY (ARRAY[{}])", list);
  }
  auto result = connection.execute(fmt::format(
      "SELECT c.oid, n.nspname, c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname), "
      "c.reltuples::float8, pg_relation_size(c.oid) / current_setting('block_size')::bigint "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind = 'r' AND c.relpersistence = 'p' AND n.nspname <> 'information_schema' "
      "AND n.nspname NOT LIKE 'pg\\_%'{} ORDER BY n.nspname, c.relname",
      filter));
  std::vector<CatalogTable> tables;
  for (int row = 0; row < result.rows(); ++row) {
    tables.push_back({std::string(result.value(row, 0)), std::string(result.value(row, 1)),
                      std::string(result.value(row, 2)), std::string(result.value(row, 3)),
                      std::stod(std::string(result.value(row, 4))), std::stoull(std::string(result.value(row, 5)))});
  }
  return tables;
}

namespace {

std::vector<CatalogTable> list_snapshot_tables(ReplicationConnection& connection, const config::DatabaseSpec& database) {
  auto tables = list_tables(connection, database.snapshot_tables);
  for (const auto& wanted : database.snapshot_tables) {
    if (std::none_of(tables.begin(), tables.end(), [&](const CatalogTable& t) { return t.schema + "." + t.name == wanted; })) {
      throw ReplicationError(fmt::format(
          "database.snapshot_tables: no table {} in the database (list plain tables or partitions as schema.table)",
          wanted));
    }
  }
  return tables;
}

}  // namespace

TableColumns columns_of(ReplicationConnection& connection, const CatalogTable& table) {
  // key_position: the column's place in the primary key (1-based), null outside it.
  auto result = connection.execute(fmt::format(
      "SELECT a.attname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.atttypid, "
      "(SELECT array_position(i.indkey::int2[], a.attnum) FROM pg_index i WHERE i.indrelid = a.attrelid "
      "AND i.indisprimary), a.attnotnull, {}, {} "
      "FROM pg_attribute a WHERE a.attrelid = {} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      enum_labels_sql("a.atttypid"), column_definition_sql("a.atttypid", "a"), table.oid));
  TableColumns out;
  std::vector<std::pair<int, std::size_t>> key_positions;
  for (int row = 0; row < result.rows(); ++row) {
    const bool in_pk = !result.is_null(row, 4);
    out.columns.push_back({std::string(result.value(row, 0)), std::string(result.value(row, 2)),
                           static_cast<std::uint32_t>(std::stoul(std::string(result.value(row, 3)))), in_pk,
                           result.value(row, 5) == "t", std::string(result.value(row, 6)), std::string(result.value(row, 7)),
                           std::string(result.value(row, 8))});
    out.quoted_names.emplace_back(result.value(row, 1));
    out.select_list += (out.select_list.empty() ? "" : ", ") + out.quoted_names.back();
    if (in_pk) key_positions.emplace_back(std::stoi(std::string(result.value(row, 4))), out.columns.size() - 1);
  }
  std::sort(key_positions.begin(), key_positions.end());
  for (const auto& [position, column] : key_positions) out.primary_key.push_back(column);
  return out;
}

std::string SnapshotPlan::copy_command(const SnapshotRange& range) const {
  const std::string& select = tables[range.table].select;
  if (range.whole_table()) return fmt::format("COPY ({}) TO STDOUT", select);
  std::string where = fmt::format("ctid >= '({},0)'", range.first_page);
  if (range.end_page != 0) where += fmt::format(" AND ctid < '({},0)'", range.end_page);
  return fmt::format("COPY ({} WHERE {}) TO STDOUT", select, where);
}

SnapshotPlan plan_snapshot(ReplicationConnection& connection, const config::DatabaseSpec& database, int readers) {
  const bool pk = include_pk(database);
  const bool can_split = readers > 1 && PQserverVersion(connection.native()) >= tid_range_scan_version;
  const std::uint64_t block_size = std::stoull(std::string(connection.execute("SHOW block_size").value(0, 0)));
  const std::uint64_t min_range_pages = std::max<std::uint64_t>(1, min_range_bytes / block_size);
  SnapshotPlan plan;
  for (const CatalogTable& table : list_snapshot_tables(connection, database)) {
    const TableColumns columns = columns_of(connection, table);
    const std::size_t index = plan.tables.size();
    // ONLY: an inheritance child is a table of its own in this list (and in wal2json's output).
    plan.tables.push_back({table.schema + "." + table.name,
                           fmt::format("SELECT {} FROM ONLY {}", columns.select_list, table.quoted), table.estimated_rows,
                           decode::RowFormat(table.schema, table.name, columns.columns, pk)});
    if (!can_split || table.pages < 2 * min_range_pages) {
      plan.ranges.push_back({index});
      continue;
    }
    const std::uint64_t count =
        std::min<std::uint64_t>(ranges_per_reader * static_cast<std::uint64_t>(readers), table.pages / min_range_pages);
    const std::uint64_t pages_per_range = (table.pages + count - 1) / count;
    for (std::uint64_t first = 0; first < table.pages; first += pages_per_range) {
      const bool last = first + pages_per_range >= table.pages;
      plan.ranges.push_back({index, first, last ? 0 : first + pages_per_range});
    }
  }
  return plan;
}

}  // namespace popyka::source::replication
