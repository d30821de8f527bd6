#pragma once
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "decode/column_details_lookup.hpp"
#include "source/replication/transport/catalog_connection.hpp"

namespace popyka::source::replication {

// The columns' details (NOT NULL, enum labels) and definitions (domain base type, default) of
// changes decoded from wal2json's text, which does not carry them, from the catalog as it is now
// (as pgoutput's are): read once per table, and again when a change has a column the table did
// not have then (DDL since). On the pipeline thread, on an ordinary connection of its own, and
// only for changes a plugin asks details or definitions of.
//
// A failure (connection lost, no such table any more) is one warning per table and no details
// for its changes (sdk::ChangeDetails and sdk::ColumnDefinitions say "unknown"); the table is
// asked again after a minute.
class Wal2jsonColumnDetails final : public decode::ColumnDetailsLookup {
 public:
  explicit Wal2jsonColumnDetails(std::string connect_url);

  decode::CatalogColumns details(std::string_view schema, std::string_view table,
                                 std::span<const sdk::Column> columns) noexcept override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Table {
    std::vector<std::string> names, labels, base_types, defaults;  // by attnum
    std::vector<bool> not_null;
    bool known = false;
    Clock::time_point failed_at{};
  };

  // The table's columns from the catalog; false (after one warning) when they cannot be read.
  bool read(Table& table, std::string_view schema, std::string_view name) noexcept;
  // `picked_` and `picked_definitions_` for `columns`; false when one of them is not in `table`.
  bool pick(const Table& table, std::span<const sdk::Column> columns);
  decode::CatalogColumns picked() const { return {picked_, picked_definitions_}; }

  CatalogConnection catalog_;
  std::unordered_map<std::string, Table> tables_;  // by schema, '\0', table
  std::string key_;
  std::vector<sdk::ColumnDetails> picked_;
  std::vector<sdk::ColumnDefinition> picked_definitions_;
};

}  // namespace popyka::source::replication
