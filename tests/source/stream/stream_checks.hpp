#pragma once
// Checks the stream tests share.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "recording_consumer.hpp"
#include "source/replication/replication_stream.hpp"

namespace popyka::test {

// True when some received message's JSON contains `text`.
inline bool any_contains(const std::vector<ReceivedMessage>& messages, std::string_view text) {
  for (const auto& message : messages) {
    if (message.json.find(text) != std::string::npos) return true;
  }
  return false;
}

// The message stream_changes() fails with, checked to be one line.
inline std::string replication_error(const config::DatabaseSpec& spec) {
  RecordingConsumer consumer;
  try {
    source::stream_changes(spec, consumer, metrics::registry());
  } catch (const source::ReplicationError& e) {
    const std::string message = e.what();
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  FAIL("stream_changes() did not fail");
  return {};
}

}  // namespace popyka::test
