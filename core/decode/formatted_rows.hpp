#pragma once
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "decode/decoded_change.hpp"
#include "decode/row_format.hpp"
#include "popyka/sdk/change.hpp"
#include "popyka/sdk/change_details.hpp"

namespace popyka::decode {

// Rows of one table read with `COPY ... TO STDOUT`, each formatted by the table's RowFormat into
// its R message, back to back, and then decoded: what a snapshot reader's batch and an
// incremental snapshot's chunk hold. clear() keeps every buffer's capacity, so rows after rows of
// the same size allocate nothing.
class FormattedRows {
 public:
  void clear();
  // Adds one COPY text row (without its newline). Throws std::runtime_error as RowFormat::append.
  void append(const RowFormat& format, std::string_view copy_row);
  // Every row is appended: decodes their columns, unless their messages must go through the
  // decoder (a format that is not decodable(), or text that is not UTF-8, which it refuses).
  void finish(const RowFormat& format);

  std::size_t size() const { return ends_.size(); }
  std::size_t bytes() const { return messages_.size(); }
  std::size_t capacity_bytes() const { return messages_.capacity(); }
  void reserve_bytes(std::size_t bytes) { messages_.reserve(bytes); }

  std::string_view message(std::size_t row) const;
  // Whether finish() decoded the columns (else each message goes through the decoder).
  bool decoded() const { return decoded_; }
  // The row's columns, their values views into its message (decoded() only).
  std::span<const sdk::Column> columns_of(const RowFormat& format, std::size_t row) const;
  // Makes `change` the row's R change at `lsn`, decoded, with the details the text does not
  // carry (decoded() only). Views into these rows and `format`.
  void decode(const RowFormat& format, std::size_t row, sdk::Lsn lsn, DecodedChange& change) const;

 private:
  std::string messages_;
  std::vector<std::size_t> ends_;      // where each message ends in messages_
  std::vector<ValueSpan> values_;      // each row's, column_count() a row
  std::vector<sdk::Column> columns_;   // likewise, once decoded
  std::vector<SpecialValue> special_values_;  // the values that are special numbers
  std::vector<sdk::SpecialNumber> specials_;  // one per value when one is special, else empty
  std::string scratch_;
  bool decoded_ = false;
};

}  // namespace popyka::decode
