#include "mock_options.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

namespace popyka::mock_kafka {

const char* const kUsage =
    "usage: popyka-mock-kafka [--brokers N] [--partitions N] [--topic NAME[:PARTITIONS]]... [--no-stdin]\n"
    "\n"
    "Runs librdkafka's mock Kafka cluster on 127.0.0.1 and prints its bootstrap servers as the\n"
    "first line of stdout. Runs until SIGINT/SIGTERM or, unless --no-stdin, end of stdin.\n"
    "--partitions is the count for --topic without one. Topics not created here are created\n"
    "on first use by a producer, with librdkafka's mock default partition count.\n"
    "\n"
    "Commands on stdin, one per line, each answered `ok` or `error: ...` on stdout:\n"
    "  broker-down ID              disconnect broker ID and refuse connections\n"
    "  broker-up ID                accept connections again\n"
    "  produce-errors COUNT ERROR  fail the next COUNT Produce requests with ERROR\n"
    "                              (a name such as NOT_ENOUGH_REPLICAS or a number; this mock\n"
    "                              does not check an idempotent producer's sequence numbers, so\n"
    "                              such a producer needs max.in.flight.requests.per.connection=1\n"
    "                              lest a later request's success hide an earlier one's failure)\n"
    "  late-produce-error ID ERROR MS\n"
    "                              fail broker ID's next Produce request with ERROR, answering\n"
    "                              MS milliseconds late (the requests after it are appended)\n"
    "  create-topic NAME[:PARTITIONS]\n";

namespace {

int parse_positive(std::string_view text, std::string_view what) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v <= 0)
    throw std::invalid_argument(std::string(what) + ": expected a positive integer, found '" + std::string(text) + "'");
  return v;
}

}  // namespace

TopicSpec parse_topic_spec(std::string_view spec, int default_partitions) {
  const auto colon = spec.rfind(':');
  if (colon == std::string_view::npos) return {std::string(spec), default_partitions};
  if (colon == 0) throw std::invalid_argument("topic name is empty in '" + std::string(spec) + "'");
  return {std::string(spec.substr(0, colon)), parse_positive(spec.substr(colon + 1), "partitions")};
}

bool parse_options(int argc, char** argv, Options& out) {
  std::vector<std::string_view> topic_args;  // resolved last: --partitions may come after them
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") return false;
    if (arg == "--brokers") out.brokers = parse_positive(value(), "--brokers");
    else if (arg == "--partitions") out.default_partitions = parse_positive(value(), "--partitions");
    else if (arg == "--topic") topic_args.push_back(value());
    else if (arg == "--no-stdin") out.read_stdin = false;
    else throw std::invalid_argument("unknown option '" + std::string(arg) + "'");
  }
  for (std::string_view t : topic_args) out.topics.push_back(parse_topic_spec(t, out.default_partitions));
  return true;
}

}  // namespace popyka::mock_kafka
