// Faults: a broker down, injected produce errors, a full queue, stopping with messages in flight.
// Whatever happens, every change is reported delivered or failed: none is silently lost.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include <algorithm>
#include <memory>
#include <set>

#include "kafka_consumer.hpp"
#include "kafka_plugin.hpp"
#include "mock_kafka_process.hpp"
#include "recording_host.hpp"
#include "test_change.hpp"

using namespace popyka::test;
namespace sdk = popyka::sdk;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<TestChange> row(int id, std::size_t doc_bytes = 0) {
  std::vector<TestColumn> columns{{"id", "integer", std::to_string(id)}};
  if (doc_bytes > 0) columns.push_back({"doc", "text", '"' + std::string(doc_bytes, 'x') + '"'});
  return std::make_unique<TestChange>(TestChange::Fields{.action = sdk::Action::Insert, .schema = "public", .table = "demo",
                                                         .columns = std::move(columns), .pk = {{"id", "integer", ""}}});
}

// Quick reconnects, so a broker that is back is used at once.
const Pairs kFastReconnect = {{"reconnect.backoff.ms", "50"}, {"reconnect.backoff.max.ms", "200"}};

Pairs with(Pairs a, const Pairs& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Polls for `duration`, whatever arrives.
void poll_for(sdk::Processor& p, std::chrono::milliseconds duration) {
  const auto end = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < end) p.poll(50ms);
}

std::set<std::string> values(const std::vector<Record>& records) {
  std::set<std::string> out;
  for (const Record& r : records) out.insert(r.value);
  return out;
}

// A processor producing to topic t whose first change has been delivered: the broker is known
// to be reachable before a test breaks something.
ProcessorPtr connected_processor(const MockKafkaProcess& kafka, RecordingHost& host) {
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}), host);
  auto first = row(1);
  processor->process(*first);
  REQUIRE(wait_reported(*processor, host));
  return processor;
}

// Every change reported delivered, none failed, and each in Kafka once, in the order sent.
void check_delivered_in_order(sdk::Processor& processor, const RecordingHost& host, const MockKafkaProcess& kafka,
                              const std::vector<std::unique_ptr<TestChange>>& sent,
                              std::chrono::milliseconds timeout = 20s) {
  REQUIRE(wait_reported(processor, host, timeout));
  CHECK(host.failures().empty());
  CHECK(host.delivered_tickets().size() == sent.size());
  const std::vector<Record> got = consume(kafka.bootstrap_servers(), "t", sent.size());
  REQUIRE(got.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) CHECK(got[i].value == sent[i]->json());
}

}  // namespace

TEST_CASE("broker down past message.timeout.ms: every change fails visibly, and resumes when it is back",
          "[kafka][faults]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}},
                                with(kFastReconnect, {{"message.timeout.ms", "1500"}})),
                   host);
  std::vector<std::unique_ptr<TestChange>> sent;
  for (int i = 0; i < 11; ++i) sent.push_back(row(i));

  processor->process(*sent[0]);
  REQUIRE(wait_reported(*processor, host));
  REQUIRE(host.delivered_tickets().size() == 1);

  kafka.command("broker-down 1");
  for (int i = 1; i <= 5; ++i) processor->process(*sent[static_cast<std::size_t>(i)]);
  REQUIRE(wait_reported(*processor, host, 15s));
  CHECK(host.delivered_tickets().size() == 1);
  REQUIRE(host.failures().size() == 5);
  for (const auto& [ticket, error] : host.failures()) CHECK_THAT(error, Catch::Contains("timed out"));

  kafka.command("broker-up 1");
  for (int i = 6; i <= 10; ++i) processor->process(*sent[static_cast<std::size_t>(i)]);
  // What an error handler's RETRY_PROCESSOR does: the failed changes, again.
  for (int i = 1; i <= 5; ++i) processor->process(*sent[static_cast<std::size_t>(i)]);
  REQUIRE(wait_reported(*processor, host, 20s));
  CHECK(host.failures().size() == 5);
  CHECK(host.delivered_tickets().size() == 11);

  const std::vector<Record> got = consume(kafka.bootstrap_servers(), "t", sent.size());
  std::set<std::string> expected;
  for (const auto& c : sent) expected.emplace(c->json());
  CHECK(values(got) == expected);
  CHECK(got.size() == sent.size());
}

TEST_CASE("broker down for a while: deliveries wait, nothing is reported early, all arrive", "[kafka][faults]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}, kFastReconnect), host);
  std::vector<std::unique_ptr<TestChange>> sent;
  for (int i = 0; i < 6; ++i) sent.push_back(row(i));
  processor->process(*sent[0]);
  REQUIRE(wait_reported(*processor, host));

  kafka.command("broker-down 1");
  for (std::size_t i = 1; i < sent.size(); ++i) processor->process(*sent[i]);
  poll_for(*processor, 2s);
  CHECK(host.reported() == 1);  // nothing past the last delivered change
  // Each failed connection is one warning (the error callback's), not also an error line from
  // librdkafka's own log: a broker outage is something librdkafka waits out.
  std::size_t connect_warnings = 0;
  for (const auto& [level, message] : host.logged()) {
    CHECK(level != popyka::sdk::LogLevel::Error);
    if (level == popyka::sdk::LogLevel::Warning && message.find("Connect to") != std::string::npos) ++connect_warnings;
  }
  CHECK(connect_warnings >= 1);

  kafka.command("broker-up 1");
  check_delivered_in_order(*processor, host, kafka, sent, 30s);
}

TEST_CASE("injected produce errors are retried by librdkafka: none lost, none duplicated, order kept",
          "[kafka][faults]") {
  const std::string error = GENERATE("NOT_ENOUGH_REPLICAS", "NOT_LEADER_FOR_PARTITION", "REQUEST_TIMED_OUT");
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(
      kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}, {{"retry.backoff.ms", "50"}, kOneProduceRequestInFlight}),
      host);
  std::vector<std::unique_ptr<TestChange>> sent;
  for (int i = 0; i < 30; ++i) sent.push_back(row(i));

  kafka.command("produce-errors 3 " + error);
  for (const auto& c : sent) {
    processor->process(*c);
    processor->poll(5ms);  // spread the changes over several produce requests
  }
  check_delivered_in_order(*processor, host, kafka, sent);
}

TEST_CASE("a produce error answered late while later changes go out: retried, none lost, order kept",
          "[kafka][faults]") {
  // The case that made e2e's produce-errors test lose changes now and then: a request fails while
  // the next one for its partition could be in flight (see kOneProduceRequestInFlight). Without
  // that property the mock stores the second change but not the first, and reports both delivered.
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}, {kOneProduceRequestInFlight}), host);
  std::vector<std::unique_ptr<TestChange>> sent;
  for (int i = 0; i < 4; ++i) sent.push_back(row(i));
  processor->process(*sent[0]);
  REQUIRE(wait_reported(*processor, host));  // connected, producer id assigned

  kafka.command("late-produce-error 1 NOT_ENOUGH_REPLICAS 500");
  processor->process(*sent[1]);
  // Time for its request to go out alone (were it slower, the later changes would share it:
  // the test would then prove less, never fail wrongly).
  poll_for(*processor, 100ms);
  for (std::size_t i = 2; i < sent.size(); ++i) processor->process(*sent[i]);
  check_delivered_in_order(*processor, host, kafka, sent);
}

TEST_CASE("a produce error librdkafka does not retry is reported as a failure of that change", "[kafka][faults]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = connected_processor(kafka, host);

  kafka.command("produce-errors 1 MSG_SIZE_TOO_LARGE");
  auto second = row(2);
  processor->process(*second);
  REQUIRE(wait_reported(*processor, host));
  REQUIRE(host.failures().size() == 1);
  CHECK(host.failures()[0].first == 2);
  CHECK_THAT(host.failures()[0].second, Catch::Contains("Kafka delivery to t failed"));
  // A small message may have been refused for the batch it was in: a retry may pass.
  CHECK_FALSE(host.failed_for_good(2));

  // What RETRY_PROCESSOR does: the same change again, delivered this time. (Some errors, e.g.
  // TOPIC_AUTHORIZATION_FAILED, make librdkafka refuse the topic until its next metadata refresh:
  // process() then reports failed() at once, and the host retries or aborts.)
  processor->process(*second);
  REQUIRE(wait_reported(*processor, host));
  CHECK(host.delivered_tickets().size() == 2);
  const std::set<std::string> expected{std::string(row(1)->json()), std::string(second->json())};
  CHECK(values(consume(kafka.bootstrap_servers(), "t", 2)) == expected);
}

TEST_CASE("a message above the producer's message.max.bytes fails for good at once, naming its size and the limit, "
          "and the next change goes on", "[kafka][faults][size]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}, {{"message.max.bytes", "2000"}}), host);
  auto big = row(1, 3000);
  processor->process(*big);
  REQUIRE(host.failures().size() == 1);  // from produce() itself, before any poll
  CHECK(host.failed_for_good(1));
  CHECK_THAT(host.failures()[0].second,
             Catch::Contains("a message of " + std::to_string(big->json().size() + 8) + " bytes (value " + std::to_string(big->json().size()) +
                             ", key 8)") &&
                 Catch::Contains("larger than the producer's message.max.bytes (2000)"));
  auto small = row(2);
  processor->process(*small);
  REQUIRE(wait_reported(*processor, host));
  CHECK(host.delivered_tickets() == std::vector<sdk::Ticket>{2});
  CHECK(values(consume(kafka.bootstrap_servers(), "t", 1)) == std::set<std::string>{std::string(small->json())});
}

TEST_CASE("a message the broker refuses as too large, sent alone in its batch, fails for good naming its size",
          "[kafka][faults][size]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  // batch.size 2000: a 3000-byte message goes alone, so the broker's MSG_SIZE_TOO_LARGE is about it.
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}, {{"batch.size", "2000"}}), host);
  auto first = row(1);
  processor->process(*first);
  REQUIRE(wait_reported(*processor, host));  // the broker is reachable

  kafka.command("produce-errors 1 MSG_SIZE_TOO_LARGE");
  auto big = row(2, 3000);
  processor->process(*big);
  REQUIRE(wait_reported(*processor, host));
  REQUIRE(host.failures().size() == 1);
  CHECK(host.failures()[0].first == 2);
  CHECK(host.failed_for_good(2));
  CHECK_THAT(host.failures()[0].second, Catch::Contains("Kafka delivery to t failed") &&
                                            Catch::Contains("refused a message of " + std::to_string(big->json().size() + 8) + " bytes") &&
                                            Catch::Contains("max.message.bytes"));
}

TEST_CASE("a full librdkafka queue makes process() wait for room, never drop", "[kafka][faults]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}},
                                {{"queue.buffering.max.messages", "5"}, {"linger.ms", "20"}}),
                   host);
  std::vector<std::unique_ptr<TestChange>> sent;
  for (int i = 0; i < 100; ++i) sent.push_back(row(i));
  for (const auto& c : sent) processor->process(*c);
  REQUIRE(wait_reported(*processor, host));
  CHECK(host.failures().empty());
  CHECK(host.delivered_tickets().size() == sent.size());
  CHECK(consume(kafka.bootstrap_servers(), "t", sent.size()).size() == sent.size());
}

TEST_CASE("by default librdkafka's queue holds 10,000 messages: memory stays bounded, the next one waits", "[kafka][faults]") {
  using Clock = std::chrono::steady_clock;
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  host.record_from(sdk::LogLevel::Debug);  // to see the processor start waiting for room
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}), host);
  kafka.command("broker-down 1");
  std::vector<std::unique_ptr<TestChange>> sent;
  for (int i = 0; i < 10001; ++i) sent.push_back(row(i));
  for (int i = 0; i < 10000; ++i) processor->process(*sent[i]);  // room for all of these
  CHECK_FALSE(host.logged_containing("queue is full"));
  std::atomic<Clock::time_point> returned_at{Clock::time_point::max()};
  std::thread last([&] {
    processor->process(*sent.back());
    returned_at = Clock::now();
  });
  // Waiting for room, not dropping: the call says it waits, and returns only once the broker
  // is back and deliveries made room.
  const auto give_up = Clock::now() + 30s;
  while (!host.logged_containing("queue is full") && Clock::now() < give_up) std::this_thread::sleep_for(10ms);
  REQUIRE(host.logged_containing("queue is full"));
  const auto broker_up_at = Clock::now();
  kafka.command("broker-up 1");
  last.join();
  CHECK(returned_at.load() > broker_up_at);
  REQUIRE(wait_reported(*processor, host, 30s));
  CHECK(host.failures().empty());
  CHECK(host.delivered_tickets().size() == sent.size());
}

TEST_CASE("flush() does not wait for deliveries in flight, poll() reports them", "[kafka][faults]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  // linger.ms holds the message back for 5 s after process(): a flush() that returned sooner
  // cannot have waited for its delivery (a bound on causality, not on speed).
  constexpr auto linger = 5s;
  processor->setup(kafka_config(kafka.bootstrap_servers(), {{"topic", "t"}}, {{"linger.ms", "5000"}}), host);
  auto change = row(1);
  const auto start = std::chrono::steady_clock::now();
  processor->process(*change);
  processor->flush();
  CHECK(std::chrono::steady_clock::now() - start < linger);
  CHECK(host.delivered_tickets().empty());
  REQUIRE(wait_reported(*processor, host));
  CHECK(host.delivered_tickets().size() == 1);
}

TEST_CASE("destroying the processor with the broker down does not hang and reports nothing", "[kafka][faults]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = connected_processor(kafka, host);

  kafka.command("broker-down 1");
  auto second = row(2);
  processor->process(*second);
  const auto start = std::chrono::steady_clock::now();
  processor.reset();
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  CHECK(host.reported() == 1);  // the host is not called from the destructor
}

TEST_CASE("format: debezium: a delete and its tombstone are one change, reported once whether both fail or both arrive",
          "[kafka][faults]") {
  MockKafkaProcess kafka({"--topic", "t:1"});
  RecordingHost host;
  ProcessorPtr processor = create_kafka_processor();
  processor->setup(kafka_config(kafka.bootstrap_servers(),
                                {{"topic", "t"}, {"format", "debezium"}, {"topic_prefix", "p"}, {"database_name", "d"}},
                                with(kFastReconnect, {{"message.timeout.ms", "1500"}})),
                   host);
  auto del = [](int id) {
    return std::make_unique<TestChange>(TestChange::Fields{.action = sdk::Action::Delete, .schema = "public", .table = "demo",
                                                           .identity = {{"id", "integer", std::to_string(id)}},
                                                           .pk = {{"id", "integer", ""}}});
  };
  kafka.command("broker-down 1");
  const auto lost = del(1);
  processor->process(*lost);  // two messages, one ticket
  REQUIRE(wait_reported(*processor, host, 15s));
  poll_for(*processor, 500ms);  // a second report would come now
  CHECK(host.deferred() == 1);
  REQUIRE(host.failures().size() == 1);
  CHECK(host.delivered_tickets().empty());

  kafka.command("broker-up 1");
  processor->process(*lost);  // as RETRY_PROCESSOR would
  const auto second = del(2);
  processor->process(*second);
  REQUIRE(wait_reported(*processor, host, 20s));
  poll_for(*processor, 500ms);
  CHECK(host.delivered_tickets().size() == 2);
  CHECK(host.failures().size() == 1);
  const std::vector<Record> got = consume(kafka.bootstrap_servers(), "t", 4);
  REQUIRE(got.size() == 4);  // delete, tombstone, delete, tombstone
  CHECK(got[1].null_value);
  CHECK(got[3].null_value);
}
