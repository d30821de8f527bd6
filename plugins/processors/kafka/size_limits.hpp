#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <librdkafka/rdkafka.h>

#include "delivery_groups.hpp"

namespace popyka::kafka {

// How large a message may be. The producer refuses one above its `message.max.bytes` in
// produce() itself (RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE); the broker refuses a batch above the
// topic's `max.message.bytes` in the delivery report, with the same error. Either way the change
// is sent again just as large, so the failure is permanent — except for a message that shared
// its batch with others, which may pass in a smaller batch.
struct SizeLimits {
  std::size_t message_max_bytes = 0;
  std::size_t batch_max_bytes = 0;  // librdkafka's batches: min(batch.size, message.max.bytes)

  // The limits `producer` was created with.
  static SizeLimits of(rd_kafka_t* producer);

  // librdkafka starts a new batch for a message this large: any other message would overflow it.
  bool fills_a_batch(std::size_t message_bytes) const noexcept { return message_bytes >= batch_max_bytes; }
};

// produce() refused a message of `key_bytes` + `value_bytes` with MSG_SIZE_TOO_LARGE.
DeliveryError too_large_for_producer(std::size_t key_bytes, std::size_t value_bytes, const SizeLimits& limits);
// The broker refused the batch holding a message of `key_bytes` + `value_bytes` to `topic` with
// MSG_SIZE_TOO_LARGE.
DeliveryError too_large_for_broker(std::string_view topic, std::size_t key_bytes, std::size_t value_bytes, const SizeLimits& limits);

}  // namespace popyka::kafka
