#include "source/replication/snapshot/initial_snapshot.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "runtime/stop_signal.hpp"
#include "source/replication/output_plugin/wal2json_format.hpp"
#include "source/replication/output_plugin/wal2json_plugin.hpp"
#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {
namespace {

using Clock = std::chrono::steady_clock;

// Rows per FETCH: memory holds one batch, whatever the table's size.
constexpr int fetch_rows = 2000;
constexpr auto progress_every = std::chrono::seconds(10);

// The settings that change what a type's output function prints (money: lc_monetary).
constexpr std::string_view output_setting_names[] = {"DateStyle",    "IntervalStyle", "TimeZone",
                                                     "extra_float_digits", "bytea_output", "lc_monetary"};

// wal2json's include-pk is a PostgreSQL boolean option; the host turns it on.
bool include_pk(const config::DatabaseSpec& database) {
  for (const auto& [name, value] : wal2json_options(database.wal2json_options)) {
    if (name != "include-pk") continue;
    std::string lower(value);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return !(lower == "0" || lower == "f" || lower == "false" || lower == "n" || lower == "no" || lower == "off");
  }
  return true;
}

struct Column {
  std::string name;
  std::string quoted_name;  // quote_ident()
  std::string type;         // format_type(atttypid, atttypmod)
  std::uint32_t type_oid;
  bool in_pk;
};

struct Table {
  std::string oid;
  std::string schema, name;
  std::string quoted;  // schema.table, each quote_ident()
  double estimated_rows;  // pg_class.reltuples; < 0 when never analyzed
};

std::string estimate_text(double estimated) {
  return estimated < 0 ? std::string("unknown") : fmt::format("~{:.0f}", estimated);
}

class SnapshotReader {
 public:
  SnapshotReader(const InitialSnapshot& snapshot, ChangeConsumer& consumer)
      : snapshot_(snapshot),
        consumer_(consumer),
        connection_(snapshot.database.connect_url, /*replication=*/false, snapshot.database.application_name),
        include_pk_(include_pk(snapshot.database)) {}

  bool run() {
    connection_.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    try {
      connection_.execute("SET TRANSACTION SNAPSHOT " + connection_.quote_literal(snapshot_.exported_snapshot));
    } catch (const ServerError& e) {
      throw ConnectionLost(fmt::format("cannot import the slot's exported snapshot: {}", e.what()));
    }
    for (const auto& [name, value] : snapshot_.settings) {
      connection_.execute(fmt::format("SELECT set_config({}, {}, true)", connection_.quote_literal(name),
                                      connection_.quote_literal(value)));
    }
    const auto tables = list_tables();
    spdlog::info("initial snapshot: {} table(s) to read at {}", tables.size(),
                 sdk::format_lsn(snapshot_.consistent_point));
    const auto started = Clock::now();
    std::uint64_t total = 0;
    for (const Table& table : tables) {
      if (runtime::stop_requested()) return false;
      auto rows = read_table(table);
      if (!rows) return false;
      total += *rows;
    }
    connection_.execute("COMMIT");
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    spdlog::info("initial snapshot read: {} row(s) of {} table(s) in {:.1f}s", total, tables.size(), seconds);
    return true;
  }

 private:
  std::vector<Table> list_tables() {
    // Plain, logged tables outside the system schemas: the ones wal2json streams changes of.
    // Partitions are read one by one (wal2json names the partition), their parents not at all.
    std::string filter;
    if (!snapshot_.database.snapshot_tables.empty()) {
      std::string list;
      for (const auto& name : snapshot_.database.snapshot_tables) {
        list += (list.empty() ? "" : ", ") + connection_.quote_literal(name);
      }
      filter = fmt::format(" AND n.nspname || '.' || c.relname = ANY (ARRAY[{}])", list);
    }
    auto result = connection_.execute(fmt::format(
        "SELECT c.oid, n.nspname, c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname), "
        "c.reltuples::float8 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND c.relpersistence = 'p' AND n.nspname <> 'information_schema' "
        "AND n.nspname NOT LIKE 'pg\\_%'{} ORDER BY n.nspname, c.relname",
        filter));
    std::vector<Table> tables;
    for (int row = 0; row < result.rows(); ++row) {
      tables.push_back({std::string(result.value(row, 0)), std::string(result.value(row, 1)),
                        std::string(result.value(row, 2)), std::string(result.value(row, 3)),
                        std::stod(std::string(result.value(row, 4)))});
    }
    for (const auto& wanted : snapshot_.database.snapshot_tables) {
      if (std::none_of(tables.begin(), tables.end(), [&](const Table& t) { return t.schema + "." + t.name == wanted; })) {
        throw ReplicationError(fmt::format(
            "database.snapshot_tables: no table {} in the database (list plain tables or partitions as schema.table)",
            wanted));
      }
    }
    return tables;
  }

  std::vector<Column> columns_of(const Table& table) {
    auto result = connection_.execute(fmt::format(
        "SELECT a.attname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.atttypid, "
        "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary "
        "AND a.attnum = ANY (i.indkey)) "
        "FROM pg_attribute a WHERE a.attrelid = {} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        table.oid));
    std::vector<Column> columns;
    for (int row = 0; row < result.rows(); ++row) {
      columns.push_back({std::string(result.value(row, 0)), std::string(result.value(row, 1)),
                         std::string(result.value(row, 2)),
                         static_cast<std::uint32_t>(std::stoul(std::string(result.value(row, 3)))),
                         result.value(row, 4) == "t"});
    }
    return columns;
  }

  // The message prefix every row of `table` shares, up to the first column.
  std::string row_prefix(const Table& table) {
    std::string prefix = R"({"action":"R","schema":)";
    append_json_string(prefix, table.schema);
    prefix += R"(,"table":)";
    append_json_string(prefix, table.name);
    prefix += R"(,"columns":[)";
    return prefix;
  }

  std::string row_suffix(const std::vector<Column>& columns) {
    std::string suffix = "]";
    if (include_pk_) {
      suffix += R"(,"pk":[)";
      bool first = true;
      for (const Column& column : columns) {
        if (!column.in_pk) continue;
        if (!first) suffix += ',';
        first = false;
        suffix += R"({"name":)";
        append_json_string(suffix, column.name);
        suffix += R"(,"type":)";
        append_wal2json_type(suffix, column.type);
        suffix += '}';
      }
      suffix += ']';
    }
    suffix += '}';
    return suffix;
  }

  std::optional<std::uint64_t> read_table(const Table& table) {
    const auto columns = columns_of(table);
    // Each column's `{"name":..,"type":..,"value":` is the same on every row.
    std::vector<std::string> column_heads;
    std::string select_list;
    for (const Column& column : columns) {
      std::string head = column_heads.empty() ? "{\"name\":" : ",{\"name\":";
      append_json_string(head, column.name);
      head += ",\"type\":";
      append_wal2json_type(head, column.type);
      head += ",\"value\":";
      column_heads.push_back(std::move(head));
      select_list += (select_list.empty() ? "" : ", ") + column.quoted_name;
    }
    const std::string prefix = row_prefix(table);
    const std::string suffix = row_suffix(columns);

    spdlog::info("initial snapshot of {}.{}: reading {} row(s) (pg_class.reltuples)", table.schema, table.name,
                 estimate_text(table.estimated_rows));
    // ONLY: an inheritance child is a table of its own in this list (and in wal2json's output).
    connection_.execute(
        fmt::format("DECLARE popyka_snapshot NO SCROLL CURSOR FOR SELECT {} FROM ONLY {}", select_list, table.quoted));
    const auto started = Clock::now();
    auto next_progress = started + progress_every;
    std::uint64_t done = 0;
    std::string message;
    for (;;) {
      if (runtime::stop_requested()) return std::nullopt;
      auto batch = connection_.execute(fmt::format("FETCH FORWARD {} FROM popyka_snapshot", fetch_rows));
      if (batch.rows() == 0) break;
      for (int row = 0; row < batch.rows(); ++row) {
        message = prefix;
        for (std::size_t column = 0; column < columns.size(); ++column) {
          message += column_heads[column];
          const int field = static_cast<int>(column);
          append_wal2json_value(message, columns[column].type_oid,
                                batch.is_null(row, field) ? std::nullopt
                                                          : std::optional<std::string_view>(batch.value(row, field)));
          message += '}';
        }
        message += suffix;
        consumer_.consume(message, snapshot_.consistent_point);
      }
      done += static_cast<std::uint64_t>(batch.rows());
      if (consumer_.has_pending()) consumer_.poll(std::chrono::milliseconds(0));
      if (Clock::now() >= next_progress) {
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        spdlog::info("initial snapshot of {}.{}: {} of {} row(s), {:.0f} rows/s", table.schema, table.name, done,
                     estimate_text(table.estimated_rows), done / seconds);
        next_progress = Clock::now() + progress_every;
      }
    }
    connection_.execute("CLOSE popyka_snapshot");
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    spdlog::info("initial snapshot of {}.{}: done, {} row(s) in {:.1f}s ({:.0f} rows/s)", table.schema, table.name,
                 done, seconds, seconds > 0 ? done / seconds : 0.0);
    return done;
  }

  const InitialSnapshot& snapshot_;
  ChangeConsumer& consumer_;
  ReplicationConnection connection_;
  const bool include_pk_;
};

}  // namespace

OutputSettings read_output_settings(ReplicationConnection& walsender) {
  std::string query = "SELECT current_setting('server_encoding')";
  for (auto name : output_setting_names) query += fmt::format(", current_setting('{}')", name);
  auto result = walsender.execute(query);
  // The stream carries text in the server's encoding, unconverted.
  OutputSettings settings{{"client_encoding", std::string(result.value(0, 0))}};
  for (std::size_t i = 0; i < std::size(output_setting_names); ++i) {
    settings.emplace_back(std::string(output_setting_names[i]), std::string(result.value(0, static_cast<int>(i) + 1)));
  }
  return settings;
}

bool read_initial_snapshot(const InitialSnapshot& snapshot, ChangeConsumer& consumer) {
  return SnapshotReader(snapshot, consumer).run();
}

}  // namespace popyka::source::replication
