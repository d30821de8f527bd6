// popyka's own logical decoding messages (prefix `popyka.`: heartbeats, signals, watermarks)
// never reach the consumer, transactional or not, while a user's messages (any other prefix,
// `popyka` without the dot and `app.popyka.x` included) and the transaction around them do.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "background_stream.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

bool has_prefix(const std::vector<ReceivedMessage>& received, const std::string& prefix) {
  const std::string field = "\"prefix\":\"" + prefix + "\"";
  return std::any_of(received.begin(), received.end(), [&](const ReceivedMessage& m) { return m.json.find(field) != std::string::npos; });
}

}  // namespace

TEST_CASE("messages with a popyka. prefix are the host's: none reaches the consumer, others do", "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  RecordingConsumer consumer;
  BackgroundStream stream(database_spec(cluster, "host_messages"), consumer);
  REQUIRE(wait_until_streaming(cluster, "host_messages"));
  cluster.exec("CREATE TABLE host_messages_t(id int PRIMARY KEY)");
  cluster.exec("BEGIN; SELECT pg_logical_emit_message(true, 'popyka.signal', 'x');"
               "INSERT INTO host_messages_t VALUES (1);"
               "SELECT pg_logical_emit_message(true, 'app', 'in a transaction'); COMMIT");
  cluster.exec("SELECT pg_logical_emit_message(false, 'popyka.watermark', 'y')");
  cluster.exec("SELECT pg_logical_emit_message(false, 'popyka', 'z')");
  cluster.exec("SELECT pg_logical_emit_message(false, 'app.popyka.x', 'w')");
  cluster.exec(end_of_stream_sql);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  const auto received = consumer.received();
  CHECK_FALSE(has_prefix(received, "popyka.signal"));
  CHECK_FALSE(has_prefix(received, "popyka.watermark"));
  CHECK(has_prefix(received, "app"));
  CHECK(has_prefix(received, "popyka"));
  CHECK(has_prefix(received, "app.popyka.x"));
  CHECK(std::any_of(received.begin(), received.end(),
                    [](const ReceivedMessage& m) { return m.json.find("\"table\":\"host_messages_t\"") != std::string::npos; }));
}
