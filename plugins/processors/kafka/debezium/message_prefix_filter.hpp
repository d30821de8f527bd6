#pragma once
#include <optional>
#include <regex>
#include <string_view>
#include <vector>

#include <popyka/sdk/config.hpp>

namespace popyka::kafka::debezium {

// Which logical decoding messages become events, by prefix: Debezium's
// message.prefix.include.list / message.prefix.exclude.list. Each list is regular expressions
// separated by commas (`\,` for a comma inside one), matched against the whole prefix, case
// insensitively, as Debezium's Predicates.includes(). With an include list, only the prefixes it
// matches; with an exclude list, all but those.
class MessagePrefixFilter {
 public:
  // From `message_prefix_include_list` or `message_prefix_exclude_list` in `config`; none when
  // neither is set (messages are not sent). Throws sdk::ConfigError naming the key at fault: both
  // set, or a pattern that is not a regular expression.
  static std::optional<MessagePrefixFilter> from(const sdk::Config& config);

  bool accepts(std::string_view prefix) const;

 private:
  MessagePrefixFilter(std::vector<std::regex> patterns, bool include) : patterns_(std::move(patterns)), include_(include) {}

  std::vector<std::regex> patterns_;
  bool include_;  // true: an include list, false: an exclude list
};

}  // namespace popyka::kafka::debezium
