// What arrives in Kafka: values, keys, headers and topics.
#include <catch2/catch.hpp>

#include <memory>

#include "kafka_consumer.hpp"
#include "kafka_plugin.hpp"
#include "mock_kafka_process.hpp"
#include "recording_host.hpp"
#include "test_change.hpp"

using namespace popyka::test;
namespace sdk = popyka::sdk;
using sdk::Action;

namespace {

const std::vector<TestColumn> kIdPk = {{"id", "integer", ""}};

// Runs `changes` through a freshly set-up processor and waits until each is reported delivered.
void deliver_all(const sdk::Config& config, const std::vector<std::unique_ptr<TestChange>>& changes) {
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(config, host);
  for (const auto& c : changes) processor->process(*c);
  processor->flush();
  REQUIRE(wait_reported(*processor, host));
  REQUIRE(host.failures().empty());
  REQUIRE(host.delivered_tickets().size() == changes.size());
}

template <class... F>
std::vector<std::unique_ptr<TestChange>> changes(F&&... fields) {
  std::vector<std::unique_ptr<TestChange>> out;
  (out.push_back(std::make_unique<TestChange>(std::forward<F>(fields))), ...);
  return out;
}

}  // namespace

TEST_CASE("value is the change's JSON byte for byte and key is the primary key for I, U and D", "[kafka][messages]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  const auto sent = changes(
      TestChange::Fields{.action = Action::Begin, .xid = "746"},
      TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "demo",
                         .columns = {{"id", "integer", "1"}, {"name", "character varying", "\"a \\\"q\\\" é\""},
                                     {"price", "numeric(30,2)", "12345678901234567890123456.50"}},
                         .pk = kIdPk},
      TestChange::Fields{.action = Action::Update, .schema = "public", .table = "demo",
                         .columns = {{"id", "integer", "1"}, {"name", "character varying", "\"a2\""}},
                         .identity = {{"id", "integer", "1"}}, .pk = kIdPk},
      TestChange::Fields{.action = Action::Delete, .schema = "public", .table = "demo",
                         .identity = {{"id", "integer", "1"}, {"name", "character varying", "\"a2\""}}, .pk = kIdPk},
      // A composite primary key, in key order.
      TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "orders",
                         .columns = {{"id", "integer", "7"}, {"tenant", "text", "\"acme\""}, {"n", "integer", "3"}},
                         .pk = {{"tenant", "text", ""}, {"id", "integer", ""}}},
      // No pk given: every identity column (new values for U).
      TestChange::Fields{.action = Action::Update, .schema = "public", .table = "demo",
                         .columns = {{"id", "integer", "2"}, {"price", "numeric", "2"}},
                         .identity = {{"id", "integer", "2"}, {"price", "numeric", "null"}}},
      // Nothing known about the key: a null key.
      TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "nopk",
                         .columns = {{"name", "text", "\"x\""}}},
      TestChange::Fields{.action = Action::Truncate, .schema = "public", .table = "nopk"},
      TestChange::Fields{.action = Action::Message, .prefix = "\"pfx\"", .content = "\"hello\""});
  deliver_all(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}), sent);

  const std::vector<Record> got = consume(kafka.bootstrap_servers(), "t", sent.size());
  REQUIRE(got.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) CHECK(got[i].value == sent[i]->json());
  CHECK_FALSE(got[0].key);
  CHECK(got[1].key == "{\"id\":1}");
  CHECK(got[2].key == "{\"id\":1}");
  CHECK(got[3].key == "{\"id\":1}");
  CHECK(got[4].key == "{\"tenant\":\"acme\",\"id\":7}");
  CHECK(got[5].key == "{\"id\":2,\"price\":2}");
  CHECK_FALSE(got[6].key);
  CHECK_FALSE(got[7].key);
  CHECK_FALSE(got[8].key);
}

TEST_CASE("key: none sends every change without a key", "[kafka][messages]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  const auto sent = changes(TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "demo",
                                               .columns = {{"id", "integer", "1"}}, .pk = kIdPk});
  deliver_all(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}, {"key", "none"}}), sent);
  const std::vector<Record> got = consume(kafka.bootstrap_servers(), "t", 1);
  REQUIRE(got.size() == 1);
  CHECK_FALSE(got[0].key);
}

TEST_CASE("changes of one row go to one partition", "[kafka][messages]") {
  MockKafkaProcess kafka({"--topic", "t:4"});
  std::vector<std::unique_ptr<TestChange>> sent;
  for (int i = 0; i < 40; ++i)
    sent.push_back(std::make_unique<TestChange>(TestChange::Fields{
        .action = Action::Update, .schema = "public", .table = "demo",
        .columns = {{"id", "integer", std::to_string(i % 5)}, {"n", "integer", std::to_string(i)}}, .pk = kIdPk}));
  deliver_all(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}), sent);
  const std::vector<Record> got = consume(kafka.bootstrap_servers(), "t", sent.size());
  REQUIRE(got.size() == sent.size());
  std::map<std::string, std::int32_t> partition_of;
  std::map<std::string, std::vector<std::string>> values_of;
  for (const Record& r : got) {
    REQUIRE(r.key);
    CHECK(partition_of.emplace(*r.key, r.partition).first->second == r.partition);
    values_of[*r.key].push_back(r.value);
  }
  for (int id = 0; id < 5; ++id) {  // in order per key
    std::vector<std::string> expected;
    for (int i = id; i < 40; i += 5) expected.emplace_back(sent[static_cast<std::size_t>(i)]->json());
    CHECK(values_of["{\"id\":" + std::to_string(id) + "}"] == expected);
  }
}

TEST_CASE("headers carry the LSN, and xid and timestamp when present", "[kafka][messages]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  const auto sent = changes(
      TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "demo",
                         .columns = {{"id", "integer", "1"}}, .pk = kIdPk, .lsn = 0x16B374D848,
                         .xid = "746", .timestamp = "\"2024-01-02 03:04:05.123456+00\""},
      TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "demo",
                         .columns = {{"id", "integer", "2"}}, .pk = kIdPk, .lsn = 0x1A0},
      // A string with escapes is decoded (a header's text is otherwise viewed in the JSON as is).
      TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "demo",
                         .columns = {{"id", "integer", "3"}}, .pk = kIdPk, .lsn = 0x1A1,
                         .xid = "747", .timestamp = "\"a \\\"b\\\" \\u00e9\""});
  deliver_all(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}), sent);
  const std::vector<Record> got = consume(kafka.bootstrap_servers(), "t", 3);
  REQUIRE(got.size() == 3);
  CHECK(got[0].headers == std::map<std::string, std::string>{
                              {"lsn", "16/B374D848"}, {"xid", "746"}, {"timestamp", "2024-01-02 03:04:05.123456+00"}});
  CHECK(got[1].headers == std::map<std::string, std::string>{{"lsn", "0/1A0"}});
  CHECK(got[2].headers == std::map<std::string, std::string>{{"lsn", "0/1A1"}, {"xid", "747"}, {"timestamp", "a \"b\" \u00e9"}});
}

TEST_CASE("a change's topic is looked up when the change comes, not at librdkafka's once-a-second scan",
          "[kafka][messages][topics]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  host.record_from(sdk::LogLevel::Debug);
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}, {{"debug", "metadata"}}), host);
  // Once the broker is up (its first metadata request says so), a new topic is asked for at once.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!host.logged_containing("brokers only: connected") && std::chrono::steady_clock::now() < deadline)
    processor->poll(std::chrono::milliseconds(50));
  REQUIRE(host.logged_containing("brokers only: connected"));
  const TestChange change(TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "demo",
                                             .columns = {{"id", "integer", "1"}}, .pk = kIdPk});
  processor->process(change);
  REQUIRE(wait_reported(*processor, host));
  REQUIRE(host.failures().empty());
  // librdkafka says why it asked. Producing by the topic's name, it was "refresh unavailable
  // topics", on its scan, up to a second later: a snapshot's queue stayed full that long.
  CHECK(host.logged_containing("leader query"));
}

TEST_CASE("topic {schema}.{table} routes by table and changes without a table go to topic_without_table",
          "[kafka][messages][topics]") {
  MockKafkaProcess kafka({"--topic", "public.demo:1", "--topic", "s2.other:1", "--topic", "tx:1"});
  const auto sent = changes(
      TestChange::Fields{.action = Action::Begin, .xid = "1"},
      TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "demo",
                         .columns = {{"id", "integer", "1"}}, .pk = kIdPk},
      TestChange::Fields{.action = Action::Insert, .schema = "s2", .table = "other",
                         .columns = {{"id", "integer", "2"}}, .pk = kIdPk},
      TestChange::Fields{.action = Action::Message, .prefix = "\"p\"", .content = "\"c\""},
      TestChange::Fields{.action = Action::Commit, .xid = "1"});
  deliver_all(kafka_config(kafka.bootstrap_servers(), {{"topic", "{schema}.{table}"}, {"topic_without_table", "tx"}}),
              sent);
  const auto demo = consume(kafka.bootstrap_servers(), "public.demo", 1);
  REQUIRE(demo.size() == 1);
  CHECK(demo[0].value == sent[1]->json());
  const auto other = consume(kafka.bootstrap_servers(), "s2.other", 1);
  REQUIRE(other.size() == 1);
  CHECK(other[0].value == sent[2]->json());
  const auto tx = consume(kafka.bootstrap_servers(), "tx", 3);
  REQUIRE(tx.size() == 3);
  CHECK(tx[0].value == sent[0]->json());
  CHECK(tx[1].value == sent[3]->json());
  CHECK(tx[2].value == sent[4]->json());
}

TEST_CASE("without topic_without_table, changes without a table go to the topic with empty parts",
          "[kafka][messages][topics]") {
  MockKafkaProcess kafka({"--topic", "cdc.public.demo:1", "--topic", "cdc..:1"});
  const auto sent = changes(TestChange::Fields{.action = Action::Begin, .xid = "1"},
                            TestChange::Fields{.action = Action::Insert, .schema = "public", .table = "demo",
                                               .columns = {{"id", "integer", "1"}}, .pk = kIdPk});
  deliver_all(kafka_config(kafka.bootstrap_servers(), {{"topic", "cdc.{schema}.{table}"}}), sent);
  const auto no_table = consume(kafka.bootstrap_servers(), "cdc..", 1);
  REQUIRE(no_table.size() == 1);
  CHECK(no_table[0].value == sent[0]->json());
  const auto demo = consume(kafka.bootstrap_servers(), "cdc.public.demo", 1);
  REQUIRE(demo.size() == 1);
  CHECK(demo[0].value == sent[1]->json());
}
