#pragma once
#include <librdkafka/rdkafka.h>

#include <popyka/sdk/change.hpp>

namespace popyka::kafka {

// A message's headers: `lsn` (`16/B374D848`), and `xid` and `timestamp` when the change has them,
// as text (a JSON string's content, or a number's digits). The caller owns the result until
// librdkafka accepts it with the message.
rd_kafka_headers_t* make_headers(const sdk::Change& change);

}  // namespace popyka::kafka
