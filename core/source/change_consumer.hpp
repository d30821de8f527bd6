#pragma once
#include <chrono>
#include <string_view>

#include "popyka/sdk/change.hpp"

namespace popyka::source {

// Where a source (the replication stream, a replay file) hands each wal2json message. The
// pipeline implements it. Every call comes from the source's one thread.
class ChangeConsumer {
 public:
  // One message, in stream order, with its WAL position. Throws PipelineAbort when the
  // pipeline must stop (the message is then not done and must not be confirmed).
  virtual void consume(std::string_view json, sdk::Lsn lsn) = 0;
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
