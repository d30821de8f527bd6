#include "size_limits.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace popyka::kafka {

namespace {

std::size_t property(const rd_kafka_conf_t* conf, const char* name) {
  char text[32];
  std::size_t size = sizeof text;
  std::size_t value = 0;
  if (rd_kafka_conf_get(conf, name, text, &size) != RD_KAFKA_CONF_OK ||
      std::from_chars(text, text + size - 1, value).ec != std::errc{})
    throw std::logic_error(std::string("cannot read librdkafka's ") + name);
  return value;
}

std::string sizes(std::size_t key_bytes, std::size_t value_bytes) {
  return "a message of " + std::to_string(key_bytes + value_bytes) + " bytes (value " + std::to_string(value_bytes) + ", key " +
         std::to_string(key_bytes) + ")";
}

}  // namespace

SizeLimits SizeLimits::of(rd_kafka_t* producer) {
  const rd_kafka_conf_t* conf = rd_kafka_conf(producer);
  SizeLimits limits;
  limits.message_max_bytes = property(conf, "message.max.bytes");
  limits.batch_max_bytes = std::min(property(conf, "batch.size"), limits.message_max_bytes);
  return limits;
}

DeliveryError too_large_for_producer(std::size_t key_bytes, std::size_t value_bytes, const SizeLimits& limits) {
  return {"cannot produce to Kafka: " + sizes(key_bytes, value_bytes) + ", with its headers and framing, is larger than the producer's " +
              "message.max.bytes (" + std::to_string(limits.message_max_bytes) +
              "); raise producer_config's message.max.bytes (at most 1000000000) and the topic's max.message.bytes, or filter the "
              "change out",
          true};
}

DeliveryError too_large_for_broker(std::string_view topic, std::size_t key_bytes, std::size_t value_bytes, const SizeLimits& limits) {
  const std::string refused = "Kafka delivery to " + std::string(topic) + " failed: " + rd_kafka_err2str(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  if (limits.fills_a_batch(key_bytes + value_bytes))
    return {refused + ": the broker refused " + sizes(key_bytes, value_bytes) + ", sent alone, as larger than the topic's " +
                "max.message.bytes; raise it (and the broker's message.max.bytes), or filter the change out",
            true};
  return {refused + ": the broker refused the batch holding " + sizes(key_bytes, value_bytes) + " as larger than the topic's " +
              "max.message.bytes; set producer_config's batch.size below it",
          false};
}

}  // namespace popyka::kafka
