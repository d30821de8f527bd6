#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "popyka/sdk/change.hpp"
#include "decode/decoded_change.hpp"
#include "decode/wal2json_format.hpp"

namespace popyka::decode {

struct SnapshotColumn {
  std::string name;
  std::string type;  // format_type(atttypid, atttypmod)
  std::uint32_t type_oid;
  bool in_pk;
  bool not_null = false;    // pg_attribute.attnotnull
  std::string enum_labels = {};  // an enum's (or its arrays') labels in their order, comma-separated; "" for other types
  std::string base_type = {};    // a domain's base type, as format_type() writes it; "" for other types
  std::string default_expression = {};  // pg_get_expr() of its default; "" for none
};

// One table's R message, formatted as wal2json 2.5 formats an insert:
// {"action":"R","schema":..,"table":..,"columns":[{"name":..,"type":..,"value":..}],"pk":[..]}.
// Everything but the values is the same on every row and written once, here; so are the
// decoded names and types, which let a message be handed on decoded (decode()).
class RowFormat {
 public:
  // `include_pk`: the `pk` array (wal2json's include-pk).
  RowFormat(std::string_view schema, std::string_view table, const std::vector<SnapshotColumn>& columns, bool include_pk);

  // Appends the R message of one `COPY ... TO STDOUT` text row (without its newline) to `out`,
  // where each column's value went in `out` to `values`, and its special numbers to `specials`
  // (when given). Throws std::runtime_error when the row has another number of fields than the
  // table columns.
  void append(std::string& out, std::string_view copy_row, std::string& scratch, std::vector<ValueSpan>& values,
              std::vector<SpecialValue>* specials = nullptr) const;

  std::size_t column_count() const { return decoded_->names.size(); }
  // False when a name or type is written as JSON the decoder refuses (a quoted type name with
  // a '"' in it, written as it is, as wal2json does): such messages must go through the decoder.
  bool decodable() const { return decoded_->decodable; }
  // Appends to `out` the columns of the messages appended with `values` (column_count() a
  // message), their values views into `text` (what the messages were appended to).
  void append_columns(std::string_view text, std::span<const ValueSpan> values, std::vector<sdk::Column>& out) const;
  // Makes `change` the message `json` (one of this format's, at `lsn`) decoded, with the columns
  // append_columns() gave for it: what decoding `json` gives, without parsing it, and the
  // columns' details and definitions. Views into `json`, `columns` and this format.
  void decode(std::string_view json, std::span<const sdk::Column> columns, sdk::Lsn lsn, DecodedChange& change) const;

 private:
  // What the decoder makes of the constant parts; on the heap, so the views stay put when the
  // format moves.
  struct Decoded {
    std::string schema, table;
    std::vector<std::string> names, types;
    std::vector<sdk::Column> primary_key;
    std::vector<std::string> enum_labels, base_types, default_expressions;
    std::vector<sdk::ColumnDetails> details;          // views into enum_labels
    std::vector<sdk::ColumnDefinition> definitions;  // views into base_types and default_expressions
    bool decodable = true;
  };

  std::string prefix_;                     // up to the first column
  std::vector<std::string> column_heads_;  // `{"name":..,"type":..,"value":` of each column
  std::vector<Wal2JsonValue> kinds_;
  std::string suffix_;                     // `]`, pk, `}`
  std::shared_ptr<const Decoded> decoded_;
};

}  // namespace popyka::decode
