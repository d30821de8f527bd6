#include "decode/row_format.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "decode/copy_text.hpp"

namespace popyka::decode {

RowFormat::RowFormat(std::string_view schema, std::string_view table, const std::vector<SnapshotColumn>& columns,
                     bool include_pk) {
  auto decoded = std::make_shared<Decoded>();
  decoded->schema = schema;
  decoded->table = table;
  prefix_ = R"({"action":"R","schema":)";
  append_json_string(prefix_, schema);
  prefix_ += R"(,"table":)";
  append_json_string(prefix_, table);
  prefix_ += R"(,"columns":[)";
  std::vector<std::string> written_types;  // each column's type as JSON, for the pk array too
  for (const SnapshotColumn& column : columns) {
    std::string head = column_heads_.empty() ? "{\"name\":" : ",{\"name\":";
    append_json_string(head, column.name);
    head += ",\"type\":";
    std::string& type = written_types.emplace_back();
    append_wal2json_type(type, column.type);
    head += type;
    head += ",\"value\":";
    column_heads_.push_back(std::move(head));
    kinds_.push_back(wal2json_value_kind(column.type_oid));
    decoded->names.push_back(column.name);
    decoded->enum_labels.push_back(column.enum_labels);
    decoded->base_types.push_back(column.base_type);
    decoded->default_expressions.push_back(column.default_expression);
    decoded->decodable = read_back_json_string(type, decoded->types.emplace_back()) && decoded->decodable;
  }
  suffix_ = "]";
  if (include_pk) {
    suffix_ += R"(,"pk":[)";
    bool first = true;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!columns[i].in_pk) continue;
      if (!first) suffix_ += ',';
      first = false;
      suffix_ += R"({"name":)";
      append_json_string(suffix_, columns[i].name);
      suffix_ += R"(,"type":)";
      suffix_ += written_types[i];
      suffix_ += '}';
      decoded->primary_key.push_back({decoded->names[i], decoded->types[i], {}});
    }
    suffix_ += ']';
  }
  suffix_ += '}';
  for (std::size_t i = 0; i < columns.size(); ++i) {
    decoded->details.push_back({columns[i].not_null, decoded->enum_labels[i]});
    decoded->definitions.push_back({decoded->base_types[i], decoded->default_expressions[i]});
  }
  decoded_ = std::move(decoded);
}

void RowFormat::append(std::string& out, std::string_view copy_row, std::string& scratch, std::vector<ValueSpan>& values,
                       std::vector<SpecialValue>* specials) const {
  out += prefix_;
  CopyTextFields fields(copy_row);
  for (std::size_t column = 0; column < column_heads_.size(); ++column) {
    if (!fields.has_next()) {
      throw std::runtime_error(fmt::format("a COPY row has {} field(s), the table {} column(s)", column, column_heads_.size()));
    }
    out += column_heads_[column];
    const std::size_t value_at = out.size();
    sdk::SpecialNumber special = sdk::SpecialNumber::none;
    if (fields.next_is_null()) {
      fields.skip_null();
      out += "null";
    } else if (kinds_[column] == Wal2JsonValue::string) {
      fields.append_next_as_json_string(out);  // most columns: one pass over the field
    } else {
      special = append_wal2json_value(out, kinds_[column], fields.next_text(scratch));
    }
    if (special != sdk::SpecialNumber::none && specials != nullptr) [[unlikely]] specials->push_back({values.size(), special});
    values.push_back({value_at, out.size() - value_at});
    out += '}';
  }
  if (fields.has_next() && !column_heads_.empty()) {  // a table without columns: COPY writes empty rows
    throw std::runtime_error(fmt::format("a COPY row has more fields than the table's {} column(s)", column_heads_.size()));
  }
  out += suffix_;
}

void RowFormat::append_columns(std::string_view text, std::span<const ValueSpan> values, std::vector<sdk::Column>& out) const {
  const std::size_t width = decoded_->names.size();
  for (std::size_t row = 0; row < values.size(); row += width) {  // no values without columns
    for (std::size_t column = 0; column < width; ++column) {
      const ValueSpan value = values[row + column];
      out.push_back({decoded_->names[column], decoded_->types[column], sdk::Value(text.substr(value.offset, value.size))});
    }
  }
}

void RowFormat::decode(std::string_view json, std::span<const sdk::Column> columns, sdk::Lsn lsn,
                       DecodedChange& change) const {
  change.assign_row(sdk::Action::Read, decoded_->schema, decoded_->table, columns, decoded_->primary_key, json, prefix_.size() - 1,
                    lsn);
  change.set_column_details(decoded_->details, decoded_->definitions);
}

}  // namespace popyka::decode
