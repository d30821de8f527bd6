#include "source/replication/snapshot/row_format.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "source/replication/output_plugin/wal2json_format.hpp"
#include "source/replication/snapshot/copy_text.hpp"

namespace popyka::source::replication {

RowFormat::RowFormat(std::string_view schema, std::string_view table, const std::vector<SnapshotColumn>& columns,
                     bool include_pk) {
  prefix_ = R"({"action":"R","schema":)";
  append_json_string(prefix_, schema);
  prefix_ += R"(,"table":)";
  append_json_string(prefix_, table);
  prefix_ += R"(,"columns":[)";
  for (const SnapshotColumn& column : columns) {
    std::string head = column_heads_.empty() ? "{\"name\":" : ",{\"name\":";
    append_json_string(head, column.name);
    head += ",\"type\":";
    append_wal2json_type(head, column.type);
    head += ",\"value\":";
    column_heads_.push_back(std::move(head));
    type_oids_.push_back(column.type_oid);
  }
  suffix_ = "]";
  if (include_pk) {
    suffix_ += R"(,"pk":[)";
    bool first = true;
    for (const SnapshotColumn& column : columns) {
      if (!column.in_pk) continue;
      if (!first) suffix_ += ',';
      first = false;
      suffix_ += R"({"name":)";
      append_json_string(suffix_, column.name);
      suffix_ += R"(,"type":)";
      append_wal2json_type(suffix_, column.type);
      suffix_ += '}';
    }
    suffix_ += ']';
  }
  suffix_ += '}';
}

void RowFormat::append(std::string& out, std::string_view copy_row, std::string& scratch) const {
  out += prefix_;
  CopyTextFields fields(copy_row);
  for (std::size_t column = 0; column < column_heads_.size(); ++column) {
    if (!fields.has_next()) {
      throw std::runtime_error(fmt::format("a COPY row has {} field(s), the table {} column(s)", column, column_heads_.size()));
    }
    out += column_heads_[column];
    append_wal2json_value(out, type_oids_[column], fields.next(scratch));
    out += '}';
  }
  if (fields.has_next() && !column_heads_.empty()) {  // a table without columns: COPY writes empty rows
    throw std::runtime_error(fmt::format("a COPY row has more fields than the table's {} column(s)", column_heads_.size()));
  }
  out += suffix_;
}

}  // namespace popyka::source::replication
