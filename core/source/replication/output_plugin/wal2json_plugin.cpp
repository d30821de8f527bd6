#include "source/replication/output_plugin/wal2json_plugin.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "source/replication/replication_error.hpp"

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
const PluginOptions host_options = {
    {"format-version", "2"},
    {"include-pk", "1"},
    {"include-xids", "1"},
    {"include-timestamp", "1"},
};

}  // namespace

PluginOptions wal2json_options(const PluginOptions& user_options) {
  PluginOptions options = host_options;
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

}  // namespace popyka::source::replication
