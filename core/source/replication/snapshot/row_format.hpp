#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace popyka::source::replication {

struct SnapshotColumn {
  std::string name;
  std::string type;  // format_type(atttypid, atttypmod)
  std::uint32_t type_oid;
  bool in_pk;
};

// One table's R message, formatted as wal2json 2.5 formats an insert:
// {"action":"R","schema":..,"table":..,"columns":[{"name":..,"type":..,"value":..}],"pk":[..]}.
// Everything but the values is the same on every row and written once, here.
class RowFormat {
 public:
  // `include_pk`: the `pk` array (wal2json's include-pk).
  RowFormat(std::string_view schema, std::string_view table, const std::vector<SnapshotColumn>& columns, bool include_pk);

  // Appends the R message of one `COPY ... TO STDOUT` text row (without its newline) to `out`.
  // Throws std::runtime_error when the row has another number of fields than the table columns.
  void append(std::string& out, std::string_view copy_row, std::string& scratch) const;

 private:
  std::string prefix_;                     // up to the first column
  std::vector<std::string> column_heads_;  // `{"name":..,"type":..,"value":` of each column
  std::vector<std::uint32_t> type_oids_;
  std::string suffix_;                     // `]`, pk, `}`
};

}  // namespace popyka::source::replication
