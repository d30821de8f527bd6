#pragma once
#include <span>
#include <string_view>

#include "popyka/sdk/change.hpp"
#include "popyka/sdk/change_details.hpp"

namespace popyka::decode {

// What the catalog says of a change's columns, one entry per column in each span (or both empty:
// unknown): sdk::ChangeDetails's details and sdk::ColumnDefinitions's definitions.
struct CatalogColumns {
  std::span<const sdk::ColumnDetails> details;
  std::span<const sdk::ColumnDefinition> definitions;
};

// Where a change decoded from wal2json's text finds its columns' details (NOT NULL, enum labels)
// and definitions (domain base type, default), which the text does not carry. Asked on the
// change's first column_details() or column_definitions() call only, so a pipeline whose plugins
// never ask never pays for it.
class ColumnDetailsLookup {
 public:
  // One entry per column of `columns`, in their order, valid until the next call; empty when
  // unknown. Never throws: a lookup that fails says unknown (and says why in the log).
  virtual CatalogColumns details(std::string_view schema, std::string_view table,
                                 std::span<const sdk::Column> columns) noexcept = 0;

 protected:
  ~ColumnDetailsLookup() = default;
};

}  // namespace popyka::decode
