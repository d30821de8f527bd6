#pragma once
#include <chrono>
#include <cstddef>
#include <span>
#include <string_view>

#include "decode/decoded_change.hpp"
#include "popyka/sdk/change.hpp"

namespace popyka::source {

// The readable bytes past a message's end that consume_padded() needs to read it in place
// (simdjson's SIMDJSON_PADDING; the pipeline checks that they are enough).
inline constexpr std::size_t kInPlacePadding = 64;

// Where a source (the replication stream, a replay file, the initial snapshot) hands each change:
// wal2json's text as received, which the consumer decodes (core/decode) where it lies, or a
// change a decoder of core/decode made from another input (a pgoutput message, a snapshot row).
// The pipeline implements it. Every call comes from the source's one thread.
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
  // A change decoded already, at change.lsn(), from `bytes` bytes of input: the consumer takes it
  // as it is (the pipeline may fill it in: unchanged_toast) while the call lasts. By default its
  // wal2json text goes to consume().
  virtual void consume_decoded(decode::DecodedChange& change, std::size_t bytes) {
    (void)bytes;
    consume(change.json(), change.lsn());
  }
  // Where the wal2json text's row changes find their columns' details (sdk::ChangeDetails), which
  // the text does not carry; null: they have none. Set by the source while it streams. By
  // default ignored.
  virtual void use_column_details(decode::ColumnDetailsLookup* lookup) { (void)lookup; }
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
