#include <catch2/catch.hpp>

#include "kafka_plugin.hpp"
#include "recording_host.hpp"

using namespace popyka::test;
namespace sdk = popyka::sdk;

namespace {

// Nothing listens there: setup() never connects, so no cluster is needed.
const std::string kNowhere = "127.0.0.1:1";

void setup_with(const sdk::Config& config, bool check_only = false) {
  RecordingHost host;
  host.set_check_only(check_only);
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(config, host);
}

}  // namespace

TEST_CASE("a valid config sets up", "[kafka][config]") {
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, {{"topic", "popyka"}})));
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, {{"topic", "cdc.{schema}.{table}"}, {"key", "none"}})));
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, {{"topic", "{schema}.{table}"}, {"topic_without_table", "tx"}})));
  // The user may turn idempotence off, and then use acks=1.
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, {{"topic", "t"}}, {{"enable.idempotence", "false"}, {"acks", "1"}})));
}

TEST_CASE("a librdkafka property it refuses is a ConfigError naming it", "[kafka][config]") {
  CHECK_THROWS_AS(setup_with(kafka_config(kNowhere, {{"topic", "t"}}, {{"no.such.property", "1"}})), sdk::ConfigError);
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}}, {{"no.such.property", "1"}})),
                    Catch::StartsWith("processors[0].config.producer_config.no.such.property: "));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}}, {{"linger.ms", "soon"}})),
                    Catch::StartsWith("processors[0].config.producer_config.linger.ms: "));
  // A conflict librdkafka finds between properties names producer_config.
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}}, {{"acks", "1"}})),
                    Catch::StartsWith("processors[0].config.producer_config: ") && Catch::Contains("acks"));
}

TEST_CASE("topic is required, non-blank and a legal Kafka name", "[kafka][config]") {
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {})), Catch::StartsWith("processors[0].config.topic: required"));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "  "}})),
                    Catch::StartsWith("processors[0].config.topic: must not be blank"));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "a topic"}})),
                    Catch::StartsWith("processors[0].config.topic: "));
  // {schema}.{table} leaves `.` for B, C and M unless topic_without_table says where they go.
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "{schema}.{table}"}})),
                    Catch::StartsWith("processors[0].config.topic: ") && Catch::Contains("topic_without_table"));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}, {"topic_without_table", "a/b"}})),
                    Catch::StartsWith("processors[0].config.topic_without_table: "));
}

TEST_CASE("producer_config needs bootstrap.servers and client.id", "[kafka][config]") {
  CHECK_THROWS_WITH(setup_with(processor_config({{"topic", "t"}}, std::nullopt)),
                    Catch::StartsWith("processors[0].config.producer_config: required"));
  CHECK_THROWS_WITH(setup_with(processor_config({{"topic", "t"}}, Pairs{{"client.id", "c"}})),
                    Catch::StartsWith("processors[0].config.producer_config.bootstrap.servers: required"));
  CHECK_THROWS_WITH(setup_with(processor_config({{"topic", "t"}}, Pairs{{"bootstrap.servers", kNowhere}})),
                    Catch::StartsWith("processors[0].config.producer_config.client.id: required"));
}

TEST_CASE("key is primary_key or none", "[kafka][config]") {
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}, {"key", "all"}})),
                    Catch::StartsWith("processors[0].config.key: expected primary_key or none"));
}

TEST_CASE("check-config mode runs the same checks and connects nowhere", "[kafka][config]") {
  // A port nothing listens on: a real setup would keep trying it; a check never does.
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, {{"topic", "t"}}), true));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}}, {{"linger.ms", "soon"}}), true),
                    Catch::StartsWith("processors[0].config.producer_config.linger.ms: "));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}}, {{"acks", "1"}}), true),
                    Catch::StartsWith("processors[0].config.producer_config: "));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {}), true), Catch::StartsWith("processors[0].config.topic: "));
}

TEST_CASE("format: debezium needs topic_prefix and database_name, and its keys are checked", "[kafka][config]") {
  const Pairs debezium = {{"topic", "t"}, {"format", "debezium"}, {"topic_prefix", "dbserver1"}, {"database_name", "inventory"}};
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, debezium)));
  Pairs all = debezium;
  all.insert(all.end(), {{"decimal_handling_mode", "string"}, {"schemas", "true"}, {"tombstones_on_delete", "false"},
                         {"replace_null_with_default", "false"},
                         {"skipped_operations", "none"}, {"debezium_version", "2.5"}});
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, all)));
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, {{"topic", "t"}, {"format", "wal2json"}})));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}, {"format", "avro"}})),
                    Catch::StartsWith("processors[0].config.format: expected wal2json or debezium, found 'avro'"));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}, {"format", "debezium"}, {"database_name", "d"}})),
                    Catch::StartsWith("processors[0].config.topic_prefix: required"));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}, {"format", "debezium"}, {"topic_prefix", "p"}})),
                    Catch::StartsWith("processors[0].config.database_name: required"));
  Pairs bad_mode = debezium;
  bad_mode.emplace_back("decimal_handling_mode", "exact");
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, bad_mode)),
                    Catch::StartsWith("processors[0].config.decimal_handling_mode: expected precise, string or double"));
  Pairs bad_ops = debezium;
  bad_ops.emplace_back("skipped_operations", "c, x");
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, bad_ops)),
                    Catch::StartsWith("processors[0].config.skipped_operations: ") && Catch::Contains("'x'"));
  for (const char* release : {"1.9", "latest", "3", "3.1.0"}) {
    Pairs bad_release = debezium;
    bad_release.emplace_back("debezium_version", release);
    CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, bad_release)),
                      Catch::StartsWith("processors[0].config.debezium_version: expected a Debezium release from 2.0 on"));
  }
  // A Debezium key without format: debezium is a mistake, not silently ignored.
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}, {"schemas", "true"}})),
                    Catch::StartsWith("processors[0].config.schemas: applies only with format: debezium"));
}

TEST_CASE("format: debezium's message and transaction keys are checked, and its topics default to Debezium's names",
          "[kafka][config]") {
  const Pairs debezium = {{"topic", "dbserver1.{schema}.{table}"}, {"format", "debezium"}, {"topic_prefix", "dbserver1"},
                          {"database_name", "inventory"}};
  // `dbserver1..` would be no topic: messages go to dbserver1.message without topic_without_table.
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, debezium)));
  Pairs all = debezium;
  all.insert(all.end(), {{"message_prefix_include_list", "app.*"}, {"transaction_metadata", "true"}, {"transaction_topic", "tx"}});
  CHECK_NOTHROW(setup_with(kafka_config(kNowhere, all)));
  Pairs both = debezium;
  both.insert(both.end(), {{"message_prefix_include_list", "a"}, {"message_prefix_exclude_list", "b"}});
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, both)),
                    Catch::StartsWith("processors[0].config.message_prefix_exclude_list: cannot be set with message_prefix_include_list"));
  Pairs topic_alone = debezium;
  topic_alone.emplace_back("transaction_topic", "tx");
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, topic_alone)),
                    Catch::StartsWith("processors[0].config.transaction_topic: only means something with transaction_metadata: true"));
  Pairs bad_topic = debezium;
  bad_topic.insert(bad_topic.end(), {{"transaction_metadata", "true"}, {"transaction_topic", "tx topic"}});
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, bad_topic)),
                    Catch::StartsWith("processors[0].config.transaction_topic: 'tx topic' is not a valid Kafka topic name"));
  CHECK_THROWS_WITH(setup_with(kafka_config(kNowhere, {{"topic", "t"}, {"transaction_metadata", "true"}})),
                    Catch::StartsWith("processors[0].config.transaction_metadata: applies only with format: debezium"));
}
