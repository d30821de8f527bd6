#include "source/replication/output_plugin/wal2json_plugin.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "source/replication/replication_stream.hpp"

namespace popyka::source::replication {
namespace {

// What the host always asks for:
// - format-version 2: one JSON object per change, the format the original popyka reads.
// - include-pk: the primary key's column names, so a processor can build a Kafka message key
//   from `pk` without a catalog lookup.
// - include-xids: the transaction id on every message, for Kafka headers and for grouping
//   changes of one transaction.
// - include-timestamp: the commit time on every message, so processors can measure lag.
// They only add fields: a processor written for the original's output keeps every field it saw.
const Wal2jsonOptions host_options = {
    {"format-version", "2"},
    {"include-pk", "1"},
    {"include-xids", "1"},
    {"include-timestamp", "1"},
};

// Option names are identifiers ("..."), values string literals ('...') in the replication
// command grammar; each escapes its quote by doubling it.
std::string quoted(std::string_view text, char quote) {
  std::string result(1, quote);
  for (char c : text) {
    if (c == quote) result += quote;
    result += c;
  }
  result += quote;
  return result;
}

}  // namespace

Wal2jsonOptions wal2json_options(const Wal2jsonOptions& user_options) {
  Wal2jsonOptions options = host_options;
  for (const auto& [name, value] : user_options) {
    if (name == "format-version" && value != "2") {
      throw ReplicationError(fmt::format(
          "database.wal2json_options: format-version must be 2 (popyka reads wal2json's format 2), not \"{}\"",
          value));
    }
    auto same_name = [&option_name = name](const auto& option) { return option.first == option_name; };
    if (auto existing = std::find_if(options.begin(), options.end(), same_name); existing != options.end()) {
      existing->second = value;
    } else {
      options.emplace_back(name, value);
    }
  }
  return options;
}

std::string start_replication_command(std::string_view slot_name, const Wal2jsonOptions& options) {
  std::string command = fmt::format("START_REPLICATION SLOT {} LOGICAL 0/0", slot_name);
  const char* separator = " (";
  for (const auto& [name, value] : options) {
    command += fmt::format("{}{} {}", separator, quoted(name, '"'), quoted(value, '\''));
    separator = ", ";
  }
  if (!options.empty()) command += ')';
  return command;
}

}  // namespace popyka::source::replication
