#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace popyka::mock_kafka {

struct TopicSpec {
  std::string name;
  int partitions;
};

// popyka-mock-kafka's command line.
struct Options {
  int brokers = 1;
  int default_partitions = 1;   // for --topic NAME without :PARTITIONS
  std::vector<TopicSpec> topics;
  bool read_stdin = true;       // --no-stdin: ignore stdin, run until a signal
};

extern const char* const kUsage;

// `NAME` or `NAME:PARTITIONS`; throws std::invalid_argument.
TopicSpec parse_topic_spec(std::string_view spec, int default_partitions);

// Throws std::invalid_argument with a message for the user on a bad command line.
// Returns false when --help was asked for.
bool parse_options(int argc, char** argv, Options& out);

}  // namespace popyka::mock_kafka
