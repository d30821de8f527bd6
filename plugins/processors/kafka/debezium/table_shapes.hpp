#pragma once
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <popyka/sdk/change.hpp>
#include <popyka/sdk/change_details.hpp>

#include "pg_type.hpp"

namespace popyka::kafka::debezium {

struct ShapeColumn {
  std::string name;
  std::string type_name;  // as wal2json gives it
  PgType type;
  std::string json_name;  // `"name":`, ready to write
  bool not_null = false;    // from the host's ChangeDetails, when it gives them
  std::string enum_labels;  // an enum's labels, comma-separated; empty: not an enum (or not known)
  // From the host's sdk::ColumnDefinitions, when it gives them: a domain's base type (`type` is
  // then the base type's), the default expression, and the default's JSON as Debezium derives
  // it (empty: none), which derive_defaults() (column_default.hpp) fills in when `defaults_pending`.
  std::string base_type, default_expression, default_json;
  bool null_as_default = false;  // a null is written as default_json (replace_null_with_default)

  const std::string* null_default() const { return null_as_default ? &default_json : nullptr; }
};

// A table's columns as last seen in a complete row, its key as last named, and what is derived
// from them once.
struct TableShape {
  std::string schema, table;
  std::vector<ShapeColumn> columns;
  std::vector<ShapeColumn> key;  // the primary key's columns, in the key's order (see take_key)
  std::string source_names;     // the source block's `,"schema":..,"table":..`, once written
  std::string value_schema;     // the `<prefix>.<schema>.<table>.Value` struct's JSON schema, when schemas are on
  std::string envelope_schema;  // the whole value's JSON schema, when schemas are on
  std::string key_schema;       // the key's JSON schema, when schemas are on
  std::size_t version = 0;      // bumped whenever `columns` change
  bool defaults_pending = false;  // a column's definition changed: its default_json is to be derived again
  std::size_t definitions_version = static_cast<std::size_t>(-1);  // `version` when definitions were last taken
};

// Takes the primary key a change names (wal2json's `pk`, empty: none); when it is not the
// shape's (other columns, order or types), the schemas made for the shape's key are cleared.
// A key column's values are written as the shape's column of its name (a domain's as its base type).
void take_key(TableShape& shape, std::span<const sdk::Column> key);
// The key's columns take the value type of the shape's column of their name and type (a key
// value is never null, so a default is never written for it; the key's schema is the columns').
void copy_definitions_to_key(TableShape& shape);

// What columns each table has. Logical decoding leaves unchanged TOASTed values out of an
// UPDATE and non-key values out of a DELETE under REPLICA IDENTITY DEFAULT; the columns seen in
// an earlier complete row say what is missing, so an event keeps the table's full row shape.
class TableShapes {
 public:
  // The shape of `schema.table` after seeing `row`: a complete row (I, R) replaces a shape it
  // differs from; a partial one (U, D) adds the columns the shape lacks. `details`: the row's
  // sdk::ColumnDetails (one per column) or empty; a complete row's replace the shape's.
  // `row_matches`, when given: whether `row` has the shape's columns, in its order, so that a
  // column's value is the row's at the same index (always so for a complete row).
  TableShape& update(std::string_view schema, std::string_view table, std::span<const sdk::Column> row, bool complete,
                     std::span<const sdk::ColumnDetails> details = {}, bool* row_matches = nullptr);
  // Takes the sdk::ColumnDefinitions of a row that has the shape's columns in order (one per
  // column, else ignored), and its details when given (as update() does): a domain's values are
  // its base type's; a changed definition changes the shape's version.
  static void take_definitions(TableShape& shape, std::span<const sdk::ColumnDefinition> definitions,
                               std::span<const sdk::ColumnDetails> details = {});

  TableShapes() = default;
  TableShapes(const TableShapes&) = delete;  // last_ points into this one's map
  TableShapes& operator=(const TableShapes&) = delete;

 private:
  TableShape& find_or_add(std::string_view schema, std::string_view table);

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, TableShape, Hash, std::equal_to<>> shapes_;
  std::string key_;
  TableShape* last_ = nullptr;  // the last table asked for: changes come in runs of one table
};

}  // namespace popyka::kafka::debezium
