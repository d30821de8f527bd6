#include "mock_commands.hpp"

#include <charconv>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "mock_options.hpp"

namespace popyka::mock_kafka {

namespace {

constexpr std::int16_t kProduceApiKey = 0;  // Kafka protocol: ProduceRequest

std::vector<std::string> split_words(std::string_view line) {
  std::istringstream in{std::string(line)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

long parse_long(std::string_view text, std::string_view what) {
  long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size())
    throw std::invalid_argument(std::string(what) + ": expected an integer, found '" + std::string(text) + "'");
  return v;
}

void check(rd_kafka_resp_err_t err) {
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::invalid_argument(rd_kafka_err2str(err));
}

}  // namespace

rd_kafka_resp_err_t parse_error_code(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || (text.front() >= '0' && text.front() <= '9')))
    return static_cast<rd_kafka_resp_err_t>(parse_long(text, "error code"));
  constexpr std::string_view prefix = "RD_KAFKA_RESP_ERR_";
  if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
  const rd_kafka_err_desc* descs = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descs, &count);
  for (size_t i = 0; i < count; ++i)
    if (descs[i].name && text == descs[i].name) return descs[i].code;
  throw std::invalid_argument("unknown error '" + std::string(text) + "'");
}

std::string MockCommands::execute(std::string_view line) try {
  const std::vector<std::string> w = split_words(line);
  if (w.empty()) throw std::invalid_argument("empty command");
  const std::string& cmd = w[0];
  auto broker_id = [&] {
    if (w.size() != 2) throw std::invalid_argument("usage: " + cmd + " BROKER_ID");
    return static_cast<std::int32_t>(parse_long(w[1], "broker id"));
  };
  if (cmd == "broker-down") {
    check(rd_kafka_mock_broker_set_down(cluster_, broker_id()));
  } else if (cmd == "broker-up") {
    check(rd_kafka_mock_broker_set_up(cluster_, broker_id()));
  } else if (cmd == "produce-errors") {
    if (w.size() != 3) throw std::invalid_argument("usage: produce-errors COUNT ERROR");
    const long count = parse_long(w[1], "count");
    if (count <= 0) throw std::invalid_argument("count must be positive");
    const std::vector<rd_kafka_resp_err_t> errors(static_cast<size_t>(count), parse_error_code(w[2]));
    rd_kafka_mock_push_request_errors_array(cluster_, kProduceApiKey, errors.size(), errors.data());
  } else if (cmd == "late-produce-error") {
    if (w.size() != 4) throw std::invalid_argument("usage: late-produce-error BROKER_ID ERROR MS");
    const auto broker = static_cast<std::int32_t>(parse_long(w[1], "broker id"));
    const long late_ms = parse_long(w[3], "milliseconds");
    if (late_ms < 0) throw std::invalid_argument("milliseconds must not be negative");
    check(rd_kafka_mock_broker_push_request_error_rtts(cluster_, broker, kProduceApiKey, 1, parse_error_code(w[2]),
                                                       static_cast<std::int32_t>(late_ms)));
  } else if (cmd == "create-topic") {
    if (w.size() != 2) throw std::invalid_argument("usage: create-topic NAME[:PARTITIONS]");
    const TopicSpec t = parse_topic_spec(w[1], default_partitions_);
    check(rd_kafka_mock_topic_create(cluster_, t.name.c_str(), t.partitions, 1));
  } else {
    throw std::invalid_argument("unknown command '" + cmd + "'");
  }
  return "ok";
} catch (const std::exception& e) {
  return std::string("error: ") + e.what();
}

}  // namespace popyka::mock_kafka
