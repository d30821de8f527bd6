#pragma once
#include <compare>
#include <optional>
#include <string>

#include <popyka/sdk/config.hpp>

#include "column_value.hpp"
#include "message_prefix_filter.hpp"

namespace popyka::kafka::debezium {

// A Debezium release, major.minor: which release's events to write (debezium_version). The
// envelope changed in 2.6 (ts_us and ts_ns, optional in the source schema as of 2.6.2; the
// Envelope schema's version 2) and 3.1 (the source schema versioned, its snapshot enum listing
// every marker); docs/debezium-format.md has the details.
struct DebeziumRelease {
  int major = 3;
  int minor = 1;
  auto operator<=>(const DebeziumRelease&) const = default;
};

// Debezium 2.6 on: ts_us and ts_ns beside ts_ms, in the envelope and in source.
constexpr bool has_micro_times(DebeziumRelease release) { return release >= DebeziumRelease{2, 6}; }

// Debezium 3.0 on: a logical decoding message's value has a `transaction` block after `source`.
constexpr bool has_message_transaction(DebeziumRelease release) { return release >= DebeziumRelease{3, 0}; }

// ProduceToKafkaProcessor's keys for `format: debezium`, named after the Debezium connector
// properties they stand for.
struct DebeziumSettings {
  std::string topic_prefix;   // topic.prefix: source.name, and the first part of the schema names
  std::string database_name;  // database.dbname: source.db
  DecimalMode decimal_mode = DecimalMode::Precise;  // decimal.handling.mode
  bool schemas = false;               // JsonConverter's schemas.enable
  bool tombstones_on_delete = true;   // tombstones.on.delete
  // JsonConverter's replace.null.with.default (true since Kafka 3.5, KIP-581): a null value of a
  // column with a default is written as the default, so NULL and the default look the same.
  bool replace_null_with_default = true;
  DebeziumRelease release;            // today's Debezium by default
  // skipped.operations (default `t`): c, u, d, t for inserts (and snapshot rows), updates,
  // deletes and truncates that are not sent.
  bool skip_create = false, skip_update = false, skip_delete = false, skip_truncate = true;
  // message.prefix.include.list / exclude.list: which logical decoding messages are sent; none
  // when neither is set (unlike Debezium, which sends them all: see docs/debezium-format.md).
  std::optional<MessagePrefixFilter> messages;
  bool transaction_metadata = false;  // provide.transaction.metadata
  std::string transaction_topic;      // topic.transaction: `<topic_prefix>.transaction` unless set
};

// The keys above, as they appear in `config:`.
inline constexpr const char* kDebeziumKeyNames[] = {"topic_prefix", "database_name", "decimal_handling_mode",
                                                    "schemas", "tombstones_on_delete", "replace_null_with_default", "skipped_operations",
                                                    "debezium_version", "message_prefix_include_list",
                                                    "message_prefix_exclude_list", "transaction_metadata", "transaction_topic"};

// Throws sdk::ConfigError naming the key at fault.
DebeziumSettings parse_debezium_settings(const sdk::Config& config);

}  // namespace popyka::kafka::debezium
