#include "table_shapes.hpp"

#include <popyka/sdk/json.hpp>

namespace popyka::kafka::debezium {

namespace {

bool same(const ShapeColumn& known, const sdk::Column& c) { return known.name == c.name && known.type_name == c.type; }

const ShapeColumn* find(const std::vector<ShapeColumn>& columns, std::string_view name) {
  for (const ShapeColumn& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

ShapeColumn make_column(const sdk::Column& c) {
  ShapeColumn column;
  column.name = c.name;
  column.type_name = c.type;
  column.type = parse_pg_type(c.type);
  sdk::append_json_string(column.json_name, c.name);
  column.json_name += ':';
  return column;
}

// Takes a complete row's details; whether they differ from the shape's.
bool take_details(std::vector<ShapeColumn>& columns, std::span<const sdk::ColumnDetails> details) {
  if (details.size() != columns.size()) return false;
  bool changed = false;
  for (std::size_t i = 0; i < details.size(); ++i) {
    ShapeColumn& c = columns[i];
    if (c.not_null == details[i].not_null && c.enum_labels == details[i].enum_labels) continue;
    c.not_null = details[i].not_null;
    c.enum_labels = details[i].enum_labels;
    changed = true;
  }
  return changed;
}

// Takes a row's definitions (one per column); whether they differ from the shape's.
bool take_column_definitions(std::vector<ShapeColumn>& columns, std::span<const sdk::ColumnDefinition> definitions) {
  if (definitions.size() != columns.size()) return false;
  bool changed = false;
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    ShapeColumn& c = columns[i];
    const sdk::ColumnDefinition& d = definitions[i];
    if (c.base_type == d.base_type && c.default_expression == d.default_expression) continue;
    c.base_type = d.base_type;
    c.default_expression = d.default_expression;
    c.type = parse_pg_type(c.base_type.empty() ? c.type_name : c.base_type);
    c.default_json.clear();
    changed = true;
  }
  return changed;
}

void changed_shape(TableShape& shape) {
  ++shape.version;
  shape.defaults_pending = true;  // and the key's types and defaults, once derived
  shape.value_schema.clear();
  shape.envelope_schema.clear();
  shape.key_schema.clear();
}

}  // namespace

void copy_definitions_to_key(TableShape& shape) {
  for (ShapeColumn& k : shape.key) {
    const ShapeColumn* c = find(shape.columns, k.name);
    if (c == nullptr || c->type_name != k.type_name) continue;
    k.type = c->type;  // what a key value is written as; its schema is the column's (append_key_schema)
  }
}

void take_key(TableShape& shape, std::span<const sdk::Column> key) {
  bool same_key = shape.key.size() == key.size();
  for (std::size_t i = 0; same_key && i < key.size(); ++i) same_key = same(shape.key[i], key[i]);
  if (same_key) return;
  shape.key.clear();
  for (const sdk::Column& c : key) shape.key.push_back(make_column(c));
  copy_definitions_to_key(shape);
  shape.key_schema.clear();
  shape.envelope_schema.clear();  // its value schema requires the key's columns
}

TableShape& TableShapes::find_or_add(std::string_view schema, std::string_view table) {
  if (last_ != nullptr && last_->table == table && last_->schema == schema) return *last_;
  key_.assign(schema).append(1, '.').append(table);
  auto it = shapes_.find(std::string_view(key_));
  if (it == shapes_.end()) {
    it = shapes_.emplace(key_, TableShape{}).first;
    it->second.schema = schema;
    it->second.table = table;
  }
  last_ = &it->second;  // the map's elements stay where they are when it grows
  return *last_;
}

TableShape& TableShapes::update(std::string_view schema, std::string_view table, std::span<const sdk::Column> row, bool complete,
                                std::span<const sdk::ColumnDetails> details, bool* row_matches) {
  TableShape& shape = find_or_add(schema, table);
  auto& columns = shape.columns;
  bool changed = false;
  bool in_order = true;
  bool made_from_row = columns.empty();  // a partial row that makes the shape matches it too
  if (complete) {
    bool equal = columns.size() == row.size();
    for (std::size_t i = 0; equal && i < row.size(); ++i) equal = same(columns[i], row[i]);
    if (!equal) {
      columns.clear();
      for (const sdk::Column& c : row) columns.push_back(make_column(c));
      changed = true;
    }
    changed = take_details(columns, details) || changed;
  } else {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i < columns.size() && same(columns[i], row[i])) continue;  // the usual case: same order
      in_order = false;
      const ShapeColumn* known = find(columns, row[i].name);
      if (known != nullptr && known->type_name == row[i].type) continue;
      if (known != nullptr) {  // a column's type changed: this row is all we know now
        columns.clear();
        for (const sdk::Column& c : row) columns.push_back(make_column(c));
        changed = made_from_row = true;
        break;
      }
      columns.push_back(make_column(row[i]));
      changed = true;
    }
  }
  if (row_matches != nullptr) *row_matches = complete || ((in_order || made_from_row) && row.size() == columns.size());
  if (changed) changed_shape(shape);
  return shape;
}

void TableShapes::take_definitions(TableShape& shape, std::span<const sdk::ColumnDefinition> definitions,
                                   std::span<const sdk::ColumnDetails> details) {
  const bool changed = take_details(shape.columns, details);
  if (take_column_definitions(shape.columns, definitions) || changed) changed_shape(shape);
  shape.definitions_version = shape.version;
}

}  // namespace popyka::kafka::debezium
