#pragma once
#include <chrono>

#include "source/change_consumer.hpp"

namespace popyka::source {

// At stop: lets asynchronous processors finish what is in flight (polling until nothing is
// pending or `limit` passes), then flushes. Returns the LSN that may be confirmed.
sdk::Lsn drain(ChangeConsumer& consumer, std::chrono::milliseconds limit);

}  // namespace popyka::source
