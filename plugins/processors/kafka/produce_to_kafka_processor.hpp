#pragma once
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <popyka/sdk.hpp>

#include "debezium/event_writer.hpp"
#include "delivery_groups.hpp"
#include "kafka_settings.hpp"
#include "producer_handle.hpp"
#include "size_limits.hpp"
#include "topic_handles.hpp"

namespace popyka::kafka {

// popyka.builtin.processors.ProduceToKafkaProcessor: each change to Kafka, as wal2json wrote it
// (`format: wal2json`) or as Debezium's event envelope (`format: debezium`, where a delete is
// two messages, the event and its tombstone, under one ticket: see DeliveryGroups).
//
// Asynchronous: process() takes a ticket from host.defer(), hands the message to librdkafka (which
// batches) with the ticket as its opaque, and returns. The delivery report, served by
// rd_kafka_poll() from process(), poll() or flush() (so on the pipeline thread), calls
// host.delivered() or, after librdkafka's own retries, host.failed(). A message larger than the
// producer or the broker accepts fails for good (sdk::fail_permanently(), see SizeLimits): error
// handlers hear of it once, and RetryProcessor does not send it again. librdkafka's logs and
// errors are queued the same way and reach host.log() on the pipeline thread.
class ProduceToKafkaProcessor : public sdk::Processor {
 public:
  ProduceToKafkaProcessor() = default;
  ProduceToKafkaProcessor(const ProduceToKafkaProcessor&) = delete;
  ProduceToKafkaProcessor& operator=(const ProduceToKafkaProcessor&) = delete;
  ~ProduceToKafkaProcessor() override;

  void setup(const sdk::Config& config, sdk::Host& host) override;
  void process(const sdk::Change& change) override;
  void poll(std::chrono::milliseconds wait) override;
  void flush() override;

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* text);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  // One message; a null `value` is a tombstone. Waits for room while librdkafka's queue is
  // full: never drops.
  struct Message {
    std::optional<std::string_view> key;
    std::optional<std::string_view> value;
    std::string_view extra_header, extra_header_value;  // beside make_headers()'s; empty name: none
  };
  // Hands `message` to librdkafka; why it refused it, if it did.
  std::optional<DeliveryError> produce(const sdk::Change& change, rd_kafka_topic_t* topic, Message message, sdk::Ticket ticket);
  void process_debezium(const sdk::Change& change);
  // The host hears of a ticket once: delivered, or failed with `error`.
  void settle(sdk::Ticket ticket, const std::optional<DeliveryError>& error);
  void log(sdk::LogLevel level, std::string_view text) const;

  sdk::Host* host_ = nullptr;
  std::optional<TopicHandles> topics_;  // made with the producer
  std::string key_buffer_;              // each message's key, written by message_key()
  KeyMode key_mode_ = KeyMode::PrimaryKey;
  std::optional<debezium::EventWriter> debezium_;  // format: debezium
  rd_kafka_topic_t* transaction_topic_ = nullptr;  // its BEGIN and END events, with transaction_metadata
  DeliveryGroups groups_;
  ProducerPtr producer_;
  SizeLimits limits_;
  std::size_t in_flight_ = 0;
  bool muted_ = false;  // set in the destructor, where the host may no longer be called
};

}  // namespace popyka::kafka
