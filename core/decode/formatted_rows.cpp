#include "decode/formatted_rows.hpp"

#include <simdjson.h>


namespace popyka::decode {

void FormattedRows::clear() {
  messages_.clear();
  ends_.clear();
  values_.clear();
  columns_.clear();
  special_values_.clear();
  specials_.clear();
  decoded_ = false;
}

void FormattedRows::append(const RowFormat& format, std::string_view copy_row) {
  format.append(messages_, copy_row, scratch_, values_, &special_values_);
  ends_.push_back(messages_.size());
}

void FormattedRows::finish(const RowFormat& format) {
  decoded_ = format.decodable() && simdjson::validate_utf8(messages_.data(), messages_.size());
  if (!decoded_) return;
  columns_.reserve(values_.size());
  format.append_columns(messages_, values_, columns_);
  if (special_values_.empty()) return;  // the common case
  specials_.assign(values_.size(), sdk::SpecialNumber::none);
  for (const SpecialValue& value : special_values_) specials_[value.value] = value.special;
}

std::string_view FormattedRows::message(std::size_t row) const {
  const std::size_t begin = row == 0 ? 0 : ends_[row - 1];
  return std::string_view(messages_).substr(begin, ends_[row] - begin);
}

std::span<const sdk::Column> FormattedRows::columns_of(const RowFormat& format, std::size_t row) const {
  const std::size_t width = format.column_count();
  return std::span<const sdk::Column>(columns_).subspan(row * width, width);
}

void FormattedRows::decode(const RowFormat& format, std::size_t row, sdk::Lsn lsn, DecodedChange& change) const {
  format.decode(message(row), columns_of(format, row), lsn, change);
  if (specials_.empty()) return;
  const std::size_t width = format.column_count();
  change.set_special_numbers(std::span<const sdk::SpecialNumber>(specials_).subspan(row * width, width), {});
}

}  // namespace popyka::decode
