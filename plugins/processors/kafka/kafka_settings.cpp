#include "kafka_settings.hpp"

#include <popyka/sdk/errors.hpp>

#include "topic_name.hpp"

namespace popyka::kafka {

namespace {

KeyMode parse_key_mode(const sdk::Config& node) {
  const std::string& text = node.as_string();
  if (text == "primary_key") return KeyMode::PrimaryKey;
  if (text == "none") return KeyMode::None;
  node.fail("expected primary_key or none, found '" + text + "'");
}

Format parse_format(const sdk::Config& node) {
  const std::string& text = node.as_string();
  if (text == "wal2json") return Format::Wal2Json;
  if (text == "debezium") return Format::Debezium;
  node.fail("expected wal2json or debezium, found '" + text + "'");
}

std::vector<ProducerProperty> parse_producer_config(const sdk::Config& node) {
  if (!node.is_map()) node.fail("expected a mapping of librdkafka properties");
  for (const char* required : {"bootstrap.servers", "client.id"}) node.at(required).as_nonblank_string();
  std::vector<ProducerProperty> out;
  for (const auto& [name, value] : node.entries()) out.push_back({name, value.as_string(), value.path()});
  return out;
}

}  // namespace

KafkaSettings parse_settings(const sdk::Config& config) {
  KafkaSettings s;
  const sdk::Config& topic = config.at("topic");
  s.topic = topic.as_nonblank_string();
  if (const sdk::Config* t = config.find("topic_without_table")) s.topic_without_table = t->as_nonblank_string();
  if (const sdk::Config* k = config.find("key")) s.key = parse_key_mode(*k);
  if (const sdk::Config* f = config.find("format")) s.format = parse_format(*f);
  if (s.format == Format::Debezium) {
    s.debezium = debezium::parse_debezium_settings(config);
    // Debezium's topic for logical decoding messages, the only changes without a table it sends.
    if (!s.topic_without_table) s.topic_without_table = s.debezium->topic_prefix + ".message";
    if (!is_legal_topic(s.debezium->transaction_topic))
      throw sdk::ConfigError(config.child_path(config.find("transaction_topic") ? "transaction_topic" : "topic_prefix") + ": '" +
                             s.debezium->transaction_topic + "' is not a valid Kafka topic name for the transaction topic");
  } else {
    for (const char* name : debezium::kDebeziumKeyNames)
      if (const sdk::Config* extra = config.find(name)) extra->fail("applies only with format: debezium; remove it or set format: debezium");
  }
  const sdk::Config& producer = config.at("producer_config");
  s.producer_config = parse_producer_config(producer);
  s.producer_config_path = producer.path();
  check_topic_names(TopicName(s.topic, s.topic_without_table), topic.path(), config.child_path("topic_without_table"));
  return s;
}

}  // namespace popyka::kafka
