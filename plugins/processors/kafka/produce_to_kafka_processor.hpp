#pragma once
#include <chrono>
#include <cstddef>
#include <optional>

#include <popyka/sdk.hpp>

#include "kafka_settings.hpp"
#include "producer_handle.hpp"
#include "topic_name.hpp"

namespace popyka::kafka {

// popyka.builtin.processors.ProduceToKafkaProcessor: each change, as wal2json wrote it, to Kafka.
//
// Asynchronous: process() takes a ticket from host.defer(), hands the message to librdkafka (which
// batches) with the ticket as its opaque, and returns. The delivery report, served by
// rd_kafka_poll() from process(), poll() or flush() (so on the pipeline thread), calls
// host.delivered() or, after librdkafka's own retries, host.failed(). librdkafka's logs and errors
// are queued the same way and reach host.log() on the pipeline thread.
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

  // Produces, waiting for room while librdkafka's queue is full: never drops.
  rd_kafka_resp_err_t produce(const sdk::Change& change, sdk::Ticket ticket);
  void log(sdk::LogLevel level, std::string_view text) const;

  sdk::Host* host_ = nullptr;
  std::optional<TopicName> topics_;
  KeyMode key_mode_ = KeyMode::PrimaryKey;
  ProducerPtr producer_;
  std::size_t in_flight_ = 0;
  bool muted_ = false;  // set in the destructor, where the host may no longer be called
};

}  // namespace popyka::kafka
