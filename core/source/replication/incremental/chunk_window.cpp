#include "source/replication/incremental/chunk_window.hpp"

#include <algorithm>

namespace popyka::source::replication::incremental {

std::optional<std::string> key_text(std::span<const sdk::Column> columns, std::span<const std::string> key_names) {
  std::string key = "[";
  for (const std::string& name : key_names) {
    const auto column = std::find_if(columns.begin(), columns.end(), [&](const sdk::Column& c) { return c.name == name; });
    if (column == columns.end() || !column->value.is_present()) return std::nullopt;
    if (key.size() > 1) key += ',';
    key += column->value.json();
  }
  key += ']';
  return key;
}

ChunkWindow::ChunkWindow(const decode::RowFormat& format, std::string schema, std::string table,
                         std::vector<std::string> key_names)
    : format_(format), schema_(std::move(schema)), table_(std::move(table)), key_names_(std::move(key_names)) {}

void ChunkWindow::clear() {
  rows_.clear();
  index_.clear();
  removed_.clear();
}

void ChunkWindow::append(std::string_view copy_row) {
  rows_.append(format_, copy_row);
}

void ChunkWindow::finish_reading() {
  // Rows it cannot decode (text that is not UTF-8, in a server encoding other than UTF8) go
  // through the decoder, which refuses what it refuses, as for the initial snapshot.
  rows_.finish(format_);
  removed_.assign(rows_.size(), false);
  for (std::size_t row = 0; row < rows_.size(); ++row) {
    if (auto key = row_key(row)) index_.emplace(std::move(*key), row);
    else index_.emplace("row " + std::to_string(row), row);  // kept, never matched
  }
}

std::optional<std::string> ChunkWindow::row_key(std::size_t row) {
  if (rows_.decoded()) return key_text(rows_.columns_of(format_, row), key_names_);
  try {  // the row's own message, through the decoder
    return key_text(decoder_.decode(rows_.message(row), 0).columns(), key_names_);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> ChunkWindow::last_key() {
  if (rows_.size() == 0) return std::nullopt;
  return row_key(rows_.size() - 1);
}

void ChunkWindow::on_change(const sdk::Change& change) {
  if (index_.empty() || change.table() != table_ || change.schema() != schema_) return;
  switch (change.action()) {
    case sdk::Action::Insert:
    case sdk::Action::Update:
    case sdk::Action::Delete:
      remove(change.columns());
      remove(change.identity());  // an update's old key, a delete's key
      break;
    case sdk::Action::Truncate:
      index_.clear();
      removed_.assign(removed_.size(), true);
      break;
    default:
      break;
  }
}

void ChunkWindow::remove(std::span<const sdk::Column> columns) {
  if (columns.empty()) return;
  const auto key = key_text(columns, key_names_);
  if (!key) return;
  if (const auto found = index_.find(*key); found != index_.end()) {
    removed_[found->second] = true;
    index_.erase(found);
  }
}

std::size_t ChunkWindow::release(sdk::Lsn lsn, ChangeConsumer& consumer) {
  std::size_t released = 0;
  for (std::size_t row = 0; row < rows_.size(); ++row) {  // read in key order
    if (removed_[row]) continue;
    ++released;
    if (!rows_.decoded()) {
      consumer.consume(rows_.message(row), lsn);
      continue;
    }
    rows_.decode(format_, row, lsn, row_);
    row_.set_snapshot_origin(decode::DecodedChange::SnapshotOrigin::incremental);
    consumer.consume_decoded(row_, row_.json().size());
  }
  index_.clear();
  removed_.assign(removed_.size(), true);
  return released;
}

}  // namespace popyka::source::replication::incremental
