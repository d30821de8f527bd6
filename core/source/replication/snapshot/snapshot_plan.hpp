#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config/pipeline_config.hpp"
#include "decode/row_format.hpp"
#include "source/replication/transport/replication_connection.hpp"

namespace popyka::source::replication {

// A table is split into CTID ranges of at least this much (and into about 4 ranges per reader),
// so the readers share big tables and small ones cost one COPY each.
inline constexpr std::uint64_t min_range_bytes = std::uint64_t{1} << 20;

// A table the snapshots may read (the catalog's view of it).
struct CatalogTable {
  std::string oid, schema, name, quoted;  // quoted: quote_ident(schema).quote_ident(name)
  double estimated_rows;                  // pg_class.reltuples; < 0 when never analyzed
  std::uint64_t pages;
};

// The plain (relkind 'r'), logged tables outside the system schemas, the ones wal2json streams
// (partitions one by one, their parents not at all), by schema and name; only those named
// `schema.table` in `only` when it is not empty (missing ones are simply absent).
std::vector<CatalogTable> list_tables(ReplicationConnection& connection, const std::vector<std::string>& only = {});

// A table's columns in attnum order, as RowFormat takes them, with SELECT's list of them.
struct TableColumns {
  std::vector<decode::SnapshotColumn> columns;
  std::vector<std::string> quoted_names;  // quote_ident() of each column
  std::string select_list;                // the quoted names, comma-separated
  std::vector<std::size_t> primary_key;   // indexes into `columns`, in the key's order; empty without one
};
TableColumns columns_of(ReplicationConnection& connection, const CatalogTable& table);

// wal2json's include-pk (a PostgreSQL boolean option) as database.wal2json_options set it; the
// host turns it on.
bool include_pk(const config::DatabaseSpec& database);

struct SnapshotTablePlan {
  std::string name;       // schema.table, as logged and in the metrics
  std::string select;     // SELECT <columns> FROM ONLY <table>
  double estimated_rows;  // pg_class.reltuples; < 0 when never analyzed
  decode::RowFormat format;
};

// Pages [first_page, end_page) of a table; end_page 0: to the end of the table (rows the snapshot
// sees are all below the size measured inside it, the open end only makes that plain).
struct SnapshotRange {
  std::size_t table;
  std::uint64_t first_page = 0, end_page = 0;
  bool whole_table() const { return first_page == 0 && end_page == 0; }
};

// What the initial snapshot reads: the tables, and ranges that hold each of their rows exactly
// once.
struct SnapshotPlan {
  std::vector<SnapshotTablePlan> tables;
  std::vector<SnapshotRange> ranges;  // table by table, in page order
  // `COPY (SELECT ... [WHERE ctid >= '(first,0)' AND ctid < '(end,0)']) TO STDOUT`.
  std::string copy_command(const SnapshotRange& range) const;
};

// Asks the catalog, on a connection inside the exported snapshot: the plain, logged tables outside
// the system schemas (the ones wal2json streams; partitions one by one, their parents not at
// all) or exactly database.snapshot_tables, their columns, primary keys and sizes. With more than
// one reader and PostgreSQL 14+ (TID range scans), a table of at least twice min_range_bytes is
// split. Throws ReplicationError (a listed table missing), ServerError, ConnectionLost.
SnapshotPlan plan_snapshot(ReplicationConnection& connection, const config::DatabaseSpec& database, int readers);

}  // namespace popyka::source::replication
