#include "produce_to_kafka_processor.hpp"

#include <cstdint>
#include <string>

#include "message_headers.hpp"
#include "message_key.hpp"

namespace popyka::kafka {

namespace {

// The destructor gives in-flight messages this long, then drops them (they were never
// reported delivered, so the host has not confirmed them: they come again after a restart).
constexpr int kCloseTimeoutMs = 2000;
constexpr int kQueueFullPollMs = 100;

sdk::LogLevel level_of(int syslog_level) {
  if (syslog_level <= 3) return sdk::LogLevel::Error;
  if (syslog_level == 4) return sdk::LogLevel::Warning;
  if (syslog_level <= 6) return sdk::LogLevel::Info;
  return sdk::LogLevel::Debug;
}

void* as_opaque(sdk::Ticket ticket) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(ticket)); }
sdk::Ticket as_ticket(void* opaque) { return static_cast<sdk::Ticket>(reinterpret_cast<std::uintptr_t>(opaque)); }

}  // namespace

ProduceToKafkaProcessor::~ProduceToKafkaProcessor() {
  if (!producer_) return;
  muted_ = true;
  rd_kafka_flush(producer_.get(), kCloseTimeoutMs);
  rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(producer_.get(), 0);  // serve the purge reports (muted) before destroying
  topics_.reset();  // topic handles go before their producer
  producer_.reset();
}

void ProduceToKafkaProcessor::setup(const sdk::Config& config, sdk::Host& host) {
  host_ = &host;
  const KafkaSettings settings = parse_settings(config);
  key_mode_ = settings.key;
  if (settings.debezium) debezium_.emplace(*settings.debezium);

  ConfPtr conf = make_producer_conf(settings);
  if (host.check_only()) return check_producer_conf(std::move(conf), settings);
  // Callbacks only from rd_kafka_poll() on our thread: the host may be called only there.
  set_required(conf.get(), "log.queue", "true");
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &on_delivery);
  rd_kafka_conf_set_log_cb(conf.get(), &on_log);
  rd_kafka_conf_set_error_cb(conf.get(), &on_error);
  producer_ = make_producer(std::move(conf), settings);
  limits_ = SizeLimits::of(producer_.get());
  topics_.emplace(producer_.get(), TopicName(settings.topic, settings.topic_without_table));
  if (settings.debezium && settings.debezium->transaction_metadata) transaction_topic_ = topics_->named(settings.debezium->transaction_topic);
  rd_kafka_set_log_queue(producer_.get(), nullptr);  // logs to the main queue, served by rd_kafka_poll()
}

void ProduceToKafkaProcessor::process(const sdk::Change& change) {
  if (debezium_) return process_debezium(change);
  const sdk::Ticket ticket = host_->defer();
  rd_kafka_topic_t* topic = topics_->for_change(change.schema(), change.table());
  const std::optional<std::string_view> key = key_mode_ == KeyMode::PrimaryKey ? message_key(change, key_buffer_) : std::nullopt;
  Message message;
  message.value = change.json();
  message.key = key;
  if (const auto error = produce(change, topic, message, ticket)) settle(ticket, error);
  else ++in_flight_;
  rd_kafka_poll(producer_.get(), 0);
}

void ProduceToKafkaProcessor::process_debezium(const sdk::Change& change) {
  const std::span<const debezium::Record> records = debezium_->write(change);
  if (records.empty()) return;  // B and C (without transaction_metadata), a skipped operation or message: done
  const sdk::Ticket ticket = host_->defer();
  if (records.size() > 1) groups_.expect(ticket, records.size());
  // The change's topic is looked up only for a record that goes there: B and C have none.
  rd_kafka_topic_t* change_topic = nullptr;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const debezium::Record& r = records[i];
    if (r.destination == debezium::Destination::Change && change_topic == nullptr)
      change_topic = topics_->for_change(change.schema(), change.table());
    rd_kafka_topic_t* topic = r.destination == debezium::Destination::Transaction ? transaction_topic_ : change_topic;
    Message message;
    if (r.has_key && key_mode_ == KeyMode::PrimaryKey) message.key = r.key;
    if (r.has_value) message.value = r.value;
    message.extra_header = r.key_header;
    message.extra_header_value = r.key_header_value;
    if (auto error = produce(change, topic, message, ticket)) {
      if (records.size() == 1) {
        settle(ticket, error);
        break;
      }
      // The messages not sent count as failed; the group settles when the sent ones report.
      for (std::size_t unsent = i; unsent < records.size(); ++unsent)
        if (const auto outcome = groups_.report(ticket, error); outcome.complete) settle(ticket, outcome.error);
      break;
    }
    ++in_flight_;
  }
  rd_kafka_poll(producer_.get(), 0);
}

void ProduceToKafkaProcessor::settle(sdk::Ticket ticket, const std::optional<DeliveryError>& error) {
  if (!error) host_->delivered(ticket);
  else if (error->permanent) sdk::fail_permanently(*host_, ticket, error->text);
  else host_->failed(ticket, error->text);
}

std::optional<DeliveryError> ProduceToKafkaProcessor::produce(const sdk::Change& change, rd_kafka_topic_t* topic, Message message,
                                                     sdk::Ticket ticket) {
  const void* key_data = message.key ? message.key->data() : nullptr;  // no key: a null key
  const std::size_t key_size = message.key ? message.key->size() : 0;
  void* value_data = message.value ? const_cast<char*>(message.value->data()) : nullptr;  // no value: a tombstone
  const std::size_t value_size = message.value ? message.value->size() : 0;
  if (topic == nullptr) return DeliveryError{std::string("cannot produce to Kafka: ") + rd_kafka_err2str(rd_kafka_last_error())};
  rd_kafka_headers_t* headers = make_headers(change);
  if (!message.extra_header.empty())
    rd_kafka_header_add(headers, message.extra_header.data(), static_cast<ssize_t>(message.extra_header.size()),
                        message.extra_header_value.data(), static_cast<ssize_t>(message.extra_header_value.size()));
  bool waited = false;
  for (;;) {
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_RKT(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(value_data, value_size), RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_OPAQUE(as_opaque(ticket)), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;  // librdkafka owns the headers now
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_headers_destroy(headers);
      if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) return too_large_for_producer(key_size, value_size, limits_);
      return DeliveryError{std::string("cannot produce to Kafka: ") + rd_kafka_err2str(err)};
    }
    if (!waited) log(sdk::LogLevel::Debug, "librdkafka's queue is full: waiting for deliveries");
    waited = true;
    rd_kafka_poll(producer_.get(), kQueueFullPollMs);
  }
}

void ProduceToKafkaProcessor::poll(std::chrono::milliseconds wait) {
  if (!producer_) return;  // --check-config: never set up for real
  rd_kafka_poll(producer_.get(), static_cast<int>(wait.count()));
}

void ProduceToKafkaProcessor::flush() {
  if (!producer_) return;
  // The host confirms a change only once delivered() says so, so nothing here needs waiting
  // for: waiting would stall the stream at every status update, for seconds while a broker is
  // down. Serve the reports that have arrived; the host's stop polls until the rest arrive.
  rd_kafka_poll(producer_.get(), 0);
}

void ProduceToKafkaProcessor::on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<ProduceToKafkaProcessor*>(opaque);
  --self->in_flight_;
  if (self->muted_) return;
  const sdk::Ticket ticket = as_ticket(message->_private);
  std::optional<DeliveryError> error;
  const char* topic = rd_kafka_topic_name(message->rkt);
  if (message->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
    error = too_large_for_broker(topic, message->key_len, message->len, self->limits_);
  else if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR)
    error = DeliveryError{std::string("Kafka delivery to ") + topic + " failed: " + rd_kafka_err2str(message->err)};
  if (self->groups_.contains(ticket)) {
    auto outcome = self->groups_.report(ticket, std::move(error));
    if (!outcome.complete) return;
    error = std::move(outcome.error);
  }
  self->settle(ticket, error);
}

void ProduceToKafkaProcessor::on_log(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  // A broker connection failing (FAIL) also reaches on_error, which says it once, as a warning.
  const sdk::LogLevel mapped = std::string_view(facility) == "FAIL" ? sdk::LogLevel::Debug : level_of(level);
  static_cast<const ProduceToKafkaProcessor*>(rd_kafka_opaque(rk))->log(mapped, std::string("librdkafka ") + facility + ": " + text);
}

void ProduceToKafkaProcessor::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<ProduceToKafkaProcessor*>(opaque);
  if (err != RD_KAFKA_RESP_ERR__FATAL) {
    // Transient (broker down, transport): librdkafka retries by itself.
    self->log(sdk::LogLevel::Warning, std::string("Kafka: ") + reason);
    return;
  }
  char why[512];
  const rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk, why, sizeof why);
  self->log(sdk::LogLevel::Error, std::string("Kafka producer failed for good (") + rd_kafka_err2name(fatal) + "): " + why);
}

void ProduceToKafkaProcessor::log(sdk::LogLevel level, std::string_view text) const {
  if (!muted_ && host_ != nullptr && host_->log_enabled(level)) host_->log(level, text);
}

}  // namespace popyka::kafka
