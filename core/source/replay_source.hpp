#pragma once
#include <istream>

#include "source/change_consumer.hpp"

namespace popyka::source {

// Sends wal2json v2 JSON lines (one message a line, blank lines skipped) through the consumer
// without a database: for trying plugins and for benchmarks. Each change's LSN is its `lsn`
// field when present. The host's own messages (a `popyka.` prefix) are skipped, as the stream
// drops them. Stops early when a stop is requested; waits for asynchronous processors
// before returning. Returns how many messages it consumed.
std::size_t replay(std::istream& input, ChangeConsumer& consumer);

}  // namespace popyka::source
