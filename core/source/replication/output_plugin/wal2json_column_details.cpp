#include "source/replication/output_plugin/wal2json_column_details.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "source/replication/column_definition_sql.hpp"
#include "source/replication/enum_labels_sql.hpp"

namespace popyka::source::replication {

namespace {
constexpr auto retry_after = std::chrono::minutes(1);
}

Wal2jsonColumnDetails::Wal2jsonColumnDetails(std::string connect_url)
    : catalog_(std::move(connect_url), "", "wal2json: cannot read the catalog for the columns' details and definitions") {}

decode::CatalogColumns Wal2jsonColumnDetails::details(std::string_view schema, std::string_view name,
                                                      std::span<const sdk::Column> columns) noexcept {
  try {
    key_.clear();  // reused: no allocation per change once warm
    key_.append(schema).append(1, '\0').append(name);
    Table& table = tables_[key_];
    if (table.known && pick(table, columns)) return picked();
    if (!table.known && table.failed_at != Clock::time_point{} && Clock::now() - table.failed_at < retry_after) return {};
    // First seen, or a column it did not have: the table as it is now.
    if (!read(table, schema, name) || !pick(table, columns)) return {};
    return picked();
  } catch (const std::exception&) {  // out of memory: unknown
    return {};
  }
}

bool Wal2jsonColumnDetails::read(Table& table, std::string_view schema, std::string_view name) noexcept {
  table.known = false;
  try {
    const std::string relation = fmt::format("to_regclass(quote_ident({}) || '.' || quote_ident({}))",
                                             catalog_.quote_literal(schema), catalog_.quote_literal(name));
    auto result = catalog_.query(fmt::format(
        "SELECT a.attname, a.attnotnull, {}, {} FROM pg_attribute a WHERE a.attrelid = {} AND a.attnum > 0 "
        "AND NOT a.attisdropped ORDER BY a.attnum",
        enum_labels_sql("a.atttypid"), column_definition_sql("a.atttypid", "a"), relation));
    table.names.clear();
    table.labels.clear();
    table.base_types.clear();
    table.defaults.clear();
    table.not_null.clear();
    for (int row = 0; row < result.rows(); ++row) {
      table.names.emplace_back(result.value(row, 0));
      table.not_null.push_back(result.value(row, 1) == "t");
      table.labels.emplace_back(result.value(row, 2));
      table.base_types.emplace_back(result.value(row, 3));
      table.defaults.emplace_back(result.value(row, 4));
    }
    if (table.names.empty()) throw std::runtime_error("no such table now");
    table.known = true;
    return true;
  } catch (const std::exception& e) {
    table.failed_at = Clock::now();
    spdlog::warn("{}.{}: its changes have no column details or definitions (NOT NULL, enum labels, base types, defaults) "
                 "for now: {}",
                 schema, name, e.what());
    return false;
  }
}

bool Wal2jsonColumnDetails::pick(const Table& table, std::span<const sdk::Column> columns) {
  picked_.clear();
  picked_definitions_.clear();
  std::size_t next = 0;  // columns mostly come in the table's order: try the next one first
  for (const sdk::Column& column : columns) {
    std::size_t i = next;
    if (i >= table.names.size() || table.names[i] != column.name) {
      const auto at = std::find(table.names.begin(), table.names.end(), column.name);
      if (at == table.names.end()) return false;
      i = static_cast<std::size_t>(at - table.names.begin());
    }
    picked_.push_back({table.not_null[i], table.labels[i]});
    picked_definitions_.push_back({table.base_types[i], table.defaults[i]});
    next = i + 1;
  }
  return true;
}

}  // namespace popyka::source::replication
