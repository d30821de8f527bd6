#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace popyka::test {

// One message as a consumer sees it.
struct Record {
  std::int32_t partition = 0;
  std::optional<std::string> key;  // nullopt: a null key
  std::string value;
  bool null_value = false;  // a tombstone: no value at all (not an empty one)
  std::map<std::string, std::string> headers;
};

// Reads `topic` from the beginning of every partition with a real librdkafka consumer until
// `expected` messages arrived (then a short while more, to see duplicates) or `timeout`.
std::vector<Record> consume(const std::string& bootstrap, const std::string& topic, std::size_t expected,
                            std::chrono::milliseconds timeout = std::chrono::seconds(15));

// How many messages `topic` holds (the sum of its partitions' high watermarks); 0 when the
// topic does not exist (yet). Throws when the mock cluster dropped old messages (it keeps about
// 5 MB a partition).
std::size_t message_count(const std::string& bootstrap, const std::string& topic);

}  // namespace popyka::test
