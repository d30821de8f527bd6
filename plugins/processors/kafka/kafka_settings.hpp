#pragma once
#include <optional>
#include <string>
#include <vector>

#include <popyka/sdk/config.hpp>
#include <popyka/sdk/plugin.hpp>

namespace popyka::kafka {

// What goes in a message's key.
enum class KeyMode {
  PrimaryKey,  // the row's primary-key values (see message_key.hpp); the default
  None,        // no key: librdkafka spreads messages over partitions
};

// One `producer_config` entry, passed to librdkafka as is.
struct ProducerProperty {
  std::string name;
  std::string value;
  std::string path;  // `processors[1].config.producer_config.linger.ms`, for error messages
};

// ProduceToKafkaProcessor's `config:`, checked.
struct KafkaSettings {
  std::string topic;                               // may contain {schema} and {table}
  std::optional<std::string> topic_without_table;  // for B, C and M; see topic_name.hpp
  KeyMode key = KeyMode::PrimaryKey;
  std::vector<ProducerProperty> producer_config;
  std::string producer_config_path;
};

// The keys ProduceToKafkaProcessor accepts, for the host's validation and --list-plugins.
inline constexpr sdk::ConfigKey kKafkaConfigKeys[] = {
    sdk::required_key("topic", sdk::ConfigType::String, "Kafka topic; may contain {schema} and {table}"),
    sdk::required_key("producer_config", sdk::ConfigType::Map, "librdkafka properties, as is; bootstrap.servers and client.id are required"),
    sdk::optional_key("key", sdk::ConfigType::String, "primary_key", "primary_key: the row's primary-key values as a JSON object; none: no key"),
    sdk::optional_key("topic_without_table", sdk::ConfigType::String, nullptr,
                      "topic for changes without a table (B, C, M); default: topic with {schema} and {table} empty"),
};

// Throws sdk::ConfigError naming the offending key.
KafkaSettings parse_settings(const sdk::Config& config);

}  // namespace popyka::kafka
