#pragma once
#include <optional>
#include <string>
#include <vector>

#include <popyka/sdk/config.hpp>
#include <popyka/sdk/plugin.hpp>

#include "debezium/debezium_settings.hpp"

namespace popyka::kafka {

// What goes in a message's key.
enum class KeyMode {
  PrimaryKey,  // the row's primary-key values (see message_key.hpp); the default
  None,        // no key: librdkafka spreads messages over partitions
};

// What a message's value is.
enum class Format {
  Wal2Json,  // the change's wal2json JSON, byte for byte; the default
  Debezium,  // Debezium's PostgreSQL event envelope (see debezium/event_writer.hpp)
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
  Format format = Format::Wal2Json;
  std::optional<debezium::DebeziumSettings> debezium;  // with format: debezium
  std::vector<ProducerProperty> producer_config;
  std::string producer_config_path;
};

// The keys ProduceToKafkaProcessor accepts, for the host's validation and --list-plugins.
inline constexpr sdk::ConfigKey kKafkaConfigKeys[] = {
    {"topic", "Kafka topic; may contain {schema} and {table} (required)"},
    {"producer_config", "librdkafka properties, as is; bootstrap.servers and client.id are required"},
    {"key", "primary_key (default): the row's primary-key values as a JSON object; none: no key"},
    {"topic_without_table", "topic for changes without a table (B, C, M); default: topic with {schema} and {table} empty"},
    {"format", "wal2json (default): each change's wal2json JSON as is; debezium: Debezium's PostgreSQL event envelope"},
    {"topic_prefix", "format: debezium (required): Debezium's topic.prefix, written as source.name and in the schema names"},
    {"database_name", "format: debezium (required): the database's name, written as source.db"},
    {"decimal_handling_mode", "format: debezium: numeric and money as precise (default: base64 of the unscaled value), string or double"},
    {"schemas", "format: debezium: true wraps key and value in Kafka Connect JsonConverter's {schema, payload}; default false"},
    {"tombstones_on_delete", "format: debezium: a tombstone (same key, null value) after each delete; default true"},
    {"skipped_operations", "format: debezium: operations not sent: none, or some of c, u, d, t separated by commas; default t"},
};

// Throws sdk::ConfigError naming the offending key.
KafkaSettings parse_settings(const sdk::Config& config);

}  // namespace popyka::kafka
