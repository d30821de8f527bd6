#pragma once
#include <chrono>
#include <cstddef>
#include <span>
#include <string_view>

#include "popyka/sdk/change.hpp"

namespace popyka::source {

// The readable bytes past a message's end that consume_padded() needs to read it in place
// (simdjson's SIMDJSON_PADDING; the pipeline checks that they are enough).
inline constexpr std::size_t kInPlacePadding = 64;

// A row change a source took apart itself while writing its message (the initial snapshot's R
// rows): exactly the fields decoding `json` gives, pointing into `json` or into memory that
// lasts as long as it. Names, types, schema and table are unescaped, values are their exact JSON
// text, as the wal2json decoder gives them.
struct DecodedRow {
  sdk::Action action{};
  std::string_view schema, table;
  std::span<const sdk::Column> columns, primary_key;
  std::string_view json;  // the whole message
  std::size_t columns_at = std::string_view::npos;  // where `columns`' '[' is in json
};

// Where a source (the replication stream, a replay file) hands each wal2json message. The
// pipeline implements it. Every call comes from the source's one thread.
class ChangeConsumer {
 public:
  // One message, in stream order, with its WAL position. Throws PipelineAbort when the
  // pipeline must stop (the message is then not done and must not be confirmed).
  virtual void consume(std::string_view json, sdk::Lsn lsn) = 0;
  // consume() for a message followed in memory by `readable_after` more bytes the consumer may
  // read (never write) while the call lasts: enough of them let the decoder read the message
  // where it is instead of copying it (a 100 MB value is then not held twice).
  virtual void consume_padded(std::string_view json, sdk::Lsn lsn, std::size_t readable_after) {
    (void)readable_after;
    consume(json, lsn);
  }
  // consume() for a message the source already decoded: the consumer may take `row` as it is
  // instead of parsing row.json again (the pipeline thread then only runs the plugins).
  virtual void consume_decoded(const DecodedRow& row, sdk::Lsn lsn) { consume(row.json, lsn); }
  // Lets asynchronous processors report completions, waiting up to `wait` for one.
  virtual void poll(std::chrono::milliseconds wait) = 0;
  // Flushes every processor and returns the highest LSN up to which every consumed message is
  // done (0 while none is). What a source may confirm to PostgreSQL.
  virtual sdk::Lsn checkpoint() = 0;
  // True while a consumed message is not yet done (an asynchronous delivery is outstanding).
  virtual bool has_pending() const = 0;

 protected:
  ~ChangeConsumer() = default;
};

}  // namespace popyka::source
