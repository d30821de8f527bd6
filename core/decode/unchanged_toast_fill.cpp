#include "decode/unchanged_toast_fill.hpp"

#include <span>

#include "decode/json_array_elements.hpp"

namespace popyka::decode {
namespace {

// Where `name` is in `row`; row.size() when absent. Both rows list the table's columns in its
// order, so the search starts at `hint` (after the last match) and wraps around.
std::size_t index_of(std::span<const sdk::Column> row, std::string_view name, std::size_t hint) {
  for (std::size_t k = 0; k < row.size(); ++k) {
    const std::size_t at = (hint + k) % row.size();
    if (row[at].name == name) return at;
  }
  return row.size();
}

}  // namespace

UnchangedToastFill::Outcome UnchangedToastFill::fill(DecodedChange& change) {
  if (change.action() != sdk::Action::Update) return Outcome::untouched;
  const auto columns = change.columns();
  const auto identity = change.identity();
  // The whole old row has every column the new one has; a key identity lacks the others.
  for (std::size_t i = 0, hint = 0; i < columns.size(); ++i) {
    hint = index_of(identity, columns[i].name, hint);
    if (hint == identity.size()) return Outcome::identity_not_whole;
    ++hint;
  }
  if (identity.size() <= columns.size()) return Outcome::untouched;  // the same names: none missing

  const auto columns_length = json_array_elements(change.columns_text(), column_texts_);
  const auto identity_length = json_array_elements(change.identity_text(), identity_texts_);
  // Both arrays were just decoded from this text, so this only fails on a message not made so.
  if (!columns_length || !identity_length || column_texts_.size() != columns.size() || identity_texts_.size() != identity.size())
    return Outcome::untouched;

  const std::string_view json = change.json();
  const std::size_t columns_at = json.size() - change.columns_text().size();
  scratch_.assign(json.substr(0, columns_at));
  scratch_ += '[';
  columns_.clear();
  for (std::size_t i = 0, hint = 0; i < identity.size(); ++i) {
    const std::size_t own = index_of(columns, identity[i].name, hint);
    const bool missing = own == columns.size();
    if (!missing) hint = own + 1;
    if (i > 0) scratch_ += ',';
    scratch_ += missing ? identity_texts_[i] : column_texts_[own];
    columns_.push_back(missing ? identity[i] : columns[own]);
  }
  scratch_ += ']';
  scratch_ += json.substr(columns_at + *columns_length);
  json_.swap(scratch_);
  change.replace_columns(columns_, json_);
  return Outcome::filled;
}

}  // namespace popyka::decode
