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
    sdk::required_key("topic", sdk::ConfigType::String, "Kafka topic; may contain {schema} and {table}"),
    sdk::required_key("producer_config", sdk::ConfigType::Map, "librdkafka properties, as is; bootstrap.servers and client.id are required"),
    sdk::optional_key("key", sdk::ConfigType::String, "primary_key", "primary_key: the row's primary-key values as a JSON object; none: no key"),
    sdk::optional_key("topic_without_table", sdk::ConfigType::String, nullptr,
                      "topic for changes without a table (B, C, M); default: topic with {schema} and {table} empty "
                      "(format: debezium: <topic_prefix>.message, where its logical decoding messages go)"),
    sdk::optional_key("format", sdk::ConfigType::String, "wal2json",
                      "wal2json: each change's wal2json JSON as is; debezium: Debezium's PostgreSQL event envelope"),
    // The keys below apply only with format: debezium, which refuses them otherwise, so their
    // defaults are the plugin's (in the help), not filled in by the host.
    sdk::optional_key("topic_prefix", sdk::ConfigType::String, nullptr,
                      "format: debezium (required): Debezium's topic.prefix, written as source.name and in the schema names"),
    sdk::optional_key("database_name", sdk::ConfigType::String, nullptr, "format: debezium (required): the database's name, written as source.db"),
    sdk::optional_key("decimal_handling_mode", sdk::ConfigType::String, nullptr,
                      "format: debezium: numeric and money as precise (default: base64 of the unscaled value), string or double"),
    sdk::optional_key("schemas", sdk::ConfigType::Bool, nullptr,
                      "format: debezium: true wraps key and value in Kafka Connect JsonConverter's {schema, payload}; default false"),
    sdk::optional_key("tombstones_on_delete", sdk::ConfigType::Bool, nullptr,
                      "format: debezium: a tombstone (same key, null value) after each delete; default true"),
    sdk::optional_key("replace_null_with_default", sdk::ConfigType::Bool, nullptr,
                      "format: debezium: a null value of a column with a default is written as its default, as Kafka's "
                      "JsonConverter replace.null.with.default (NULL and the default then look the same); default true"),
    sdk::optional_key("skipped_operations", sdk::ConfigType::String, nullptr,
                      "format: debezium: operations not sent: none, or some of c, u, d, t separated by commas; default t"),
    sdk::optional_key("debezium_version", sdk::ConfigType::String, nullptr,
                      "format: debezium: the Debezium release whose events to write, as major.minor (2.0 on; e.g. 2.5: "
                      "no ts_us/ts_ns); default 3.1, today's shape"),
    sdk::optional_key("message_prefix_include_list", sdk::ConfigType::String, nullptr,
                      "format: debezium: send the logical decoding messages (op m) whose prefix matches one of these "
                      "regular expressions (comma-separated, whole prefix, case-insensitive); default: no messages"),
    sdk::optional_key("message_prefix_exclude_list", sdk::ConfigType::String, nullptr,
                      "format: debezium: send every logical decoding message (op m) but those whose prefix matches one of "
                      "these regular expressions; not with message_prefix_include_list"),
    sdk::optional_key("transaction_metadata", sdk::ConfigType::Bool, nullptr,
                      "format: debezium: true adds each event's transaction block and sends BEGIN and END events to the "
                      "transaction topic (Debezium's provide.transaction.metadata); default false"),
    sdk::optional_key("transaction_topic", sdk::ConfigType::String, nullptr,
                      "format: debezium, transaction_metadata: true: the transaction topic; default <topic_prefix>.transaction"),
};

// Throws sdk::ConfigError naming the offending key.
KafkaSettings parse_settings(const sdk::Config& config);

}  // namespace popyka::kafka
