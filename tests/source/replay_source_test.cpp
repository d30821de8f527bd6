// --replay's reading of a file: one message a line, blank lines skipped, the host's own messages
// (heartbeats, watermarks, signals) dropped as the live stream drops them.
#include <catch2/catch.hpp>

#include <sstream>

#include "recording_consumer.hpp"
#include "source/replay_source.hpp"

TEST_CASE("replay hands on each line but blank ones and the host's own messages", "[replay]") {
  std::istringstream file(
      R"({"action":"I","schema":"public","table":"t","columns":[]})" "\n"
      "\n"
      R"({"action":"M","transactional":false,"prefix":"popyka.heartbeat","content":"x"})" "\n"
      R"({"action":"M","transactional":false,"prefix":"popyka.watermark","content":"{}"})" "\n"
      R"({"action":"M","transactional":false,"prefix":"app.audit","content":"kept"})" "\n");
  popyka::test::RecordingConsumer consumer;
  CHECK(popyka::source::replay(file, consumer) == 2);
  const auto received = consumer.received();
  REQUIRE(received.size() == 2);
  CHECK(received[0].json.find(R"("action":"I")") != std::string::npos);
  CHECK(received[1].json.find(R"("prefix":"app.audit")") != std::string::npos);
}
