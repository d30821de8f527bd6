#pragma once
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "decode/decoded_change.hpp"
#include "decode/formatted_rows.hpp"
#include "decode/row_format.hpp"
#include "decode/wal2json_decoder.hpp"
#include "popyka/sdk/change.hpp"
#include "source/change_consumer.hpp"

namespace popyka::source::replication::incremental {

// A primary key as text: the JSON array of its values as the stream (and RowFormat) writes them,
// `[42,"eu"]`; nullopt when `columns` lack one of `key_names`.
std::optional<std::string> key_text(std::span<const sdk::Column> columns, std::span<const std::string> key_names);

// One chunk's rows, from the moment they were read until the stream reaches the chunk's high
// watermark. Every streamed change to a key of the chunk meanwhile removes that key's row: the
// streamed change is newer than (or as new as) what the chunk read, and carries the whole row (an
// insert or update) or its end (a delete). At the high watermark the rows left go on as R changes.
// Memory: the chunk's rows only.
class ChunkWindow {
 public:
  // `format`: the table's (it must outlive the window); `key_names`: its primary key, in key order.
  ChunkWindow(const decode::RowFormat& format, std::string schema, std::string table, std::vector<std::string> key_names);

  // Empties the window for the table's next chunk; its buffers keep their size (a chunk after
  // another of the same size allocates nothing, and touches no fresh pages).
  void clear();
  // Adds one `COPY ... TO STDOUT` text row, while the chunk is read (in key order).
  void append(std::string_view copy_row);
  // The chunk is read: its rows decoded and indexed by key. Open from here on.
  void finish_reading();

  std::size_t rows_read() const { return rows_.size(); }
  std::size_t rows_left() const { return index_.size(); }
  // The key of the last row read; nullopt for an empty chunk (or keys the decoder refuses).
  std::optional<std::string> last_key();

  // A change the stream carries: rows of its keys (old and new ones) go, all of them on a truncate.
  void on_change(const sdk::Change& change);
  // Hands the rows left to `consumer`, in key order, as R changes of an incremental snapshot at
  // `lsn` (the high watermark's). Returns how many.
  std::size_t release(sdk::Lsn lsn, ChangeConsumer& consumer);

 private:
  void remove(std::span<const sdk::Column> columns);
  std::optional<std::string> row_key(std::size_t row);

  const decode::RowFormat& format_;
  std::string schema_, table_;
  std::vector<std::string> key_names_;
  decode::FormattedRows rows_;
  std::unordered_map<std::string, std::size_t> index_;  // key -> row, for the rows left
  std::vector<bool> removed_;                           // by row
  decode::DecodedChange row_;
  decode::Wal2JsonDecoder decoder_;  // for rows without decoded columns
};

}  // namespace popyka::source::replication::incremental
