#include "topic_name.hpp"

#include <algorithm>

#include <popyka/sdk/errors.hpp>

namespace popyka::kafka {

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

}  // namespace

std::string TopicName::for_change(std::string_view schema, std::string_view table) const {
  std::string name;
  write_for_change(schema, table, name);
  return name;
}

void TopicName::write_for_change(std::string_view schema, std::string_view table, std::string& out) const {
  if (table.empty() && without_table_) {
    out.assign(*without_table_);
    return;
  }
  out.assign(pattern_);
  replace_all(out, "{schema}", schema);
  replace_all(out, "{table}", table);
}

bool is_legal_topic(std::string_view name) {
  auto legal_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  return !name.empty() && name.size() <= 249 && name != "." && name != ".." && std::all_of(name.begin(), name.end(), legal_char);
}

void check_topic_names(const TopicName& topics, const std::string& topic_path, const std::string& without_table_path) {
  if (!is_legal_topic(topics.for_change("s", "t")))
    throw sdk::ConfigError(topic_path + ": '" + topics.pattern() +
                           "' is not a valid Kafka topic name (letters, digits, '.', '_', '-'; placeholders {schema} and {table})");
  if (const auto& other = topics.without_table()) {
    if (!is_legal_topic(*other)) throw sdk::ConfigError(without_table_path + ": '" + *other + "' is not a valid Kafka topic name");
  } else if (const std::string empty = topics.for_change("", ""); !is_legal_topic(empty)) {
    throw sdk::ConfigError(topic_path + ": '" + topics.pattern() + "' gives the topic '" + empty +
                           "' for changes without a table (B, C, M), which Kafka refuses; set topic_without_table");
  }
}

}  // namespace popyka::kafka
