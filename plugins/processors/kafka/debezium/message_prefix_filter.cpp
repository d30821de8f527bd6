#include "message_prefix_filter.hpp"

#include <algorithm>
#include <string>

namespace popyka::kafka::debezium {

namespace {

// `a,b\,c` -> {"a", "b,c"}, each trimmed; blank entries dropped.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == ',') out.back() += text[++i];
    else if (text[i] == ',') out.emplace_back();
    else out.back() += text[i];
  }
  for (std::string& s : out) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
  }
  std::erase_if(out, [](const std::string& s) { return s.empty(); });
  return out;
}

std::vector<std::regex> compile(const sdk::Config& node) {
  std::vector<std::regex> patterns;
  for (const std::string& p : split_list(node.as_nonblank_string())) {
    try {
      patterns.emplace_back(p, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
    } catch (const std::regex_error& e) {
      node.fail("'" + p + "' is not a regular expression (" + e.what() + ")");
    }
  }
  if (patterns.empty()) node.fail("expected prefixes or regular expressions separated by commas");
  return patterns;
}

}  // namespace

std::optional<MessagePrefixFilter> MessagePrefixFilter::from(const sdk::Config& config) {
  const sdk::Config* include = config.find("message_prefix_include_list");
  const sdk::Config* exclude = config.find("message_prefix_exclude_list");
  if (include && exclude) exclude->fail("cannot be set with message_prefix_include_list; keep one of the two");
  if (include) return MessagePrefixFilter(compile(*include), true);
  if (exclude) return MessagePrefixFilter(compile(*exclude), false);
  return std::nullopt;
}

bool MessagePrefixFilter::accepts(std::string_view prefix) const {
  const bool matched = std::any_of(patterns_.begin(), patterns_.end(),
                                   [&](const std::regex& p) { return std::regex_match(prefix.begin(), prefix.end(), p); });
  return matched == include_;
}

}  // namespace popyka::kafka::debezium
