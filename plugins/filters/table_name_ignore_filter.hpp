#pragma once
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <popyka/sdk.hpp>

namespace popyka::builtin {

// Drops changes of tables whose whole name matches `ignore_regex`; changes without a table
// go on to the next filter. The answer is remembered per table name: std::regex_match costs
// ~200 ns and 3 allocations a call, and a database has few tables (bench/README.md).
class TableNameIgnoreFilter final : public sdk::Filter {
 public:
  static constexpr sdk::ConfigKey kConfigKeys[] = {sdk::required_key(
      "ignore_regex", sdk::ConfigType::String, "regular expression (ECMAScript) matched against the whole table name")};

  void setup(const sdk::Config& config, sdk::Host&) override {
    const sdk::Config& pattern = config.at("ignore_regex");
    try {
      ignore_ = std::regex(pattern.as_nonblank_string(), std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& error) {
      pattern.fail(std::string("not a valid regular expression: ") + error.what());
    }
  }

  sdk::FilterResult filter(const sdk::Change& change) override {
    const std::string_view table = change.table();
    if (table.empty()) return sdk::FilterResult::Continue;
    return ignored(table) ? sdk::FilterResult::Ignore : sdk::FilterResult::Continue;
  }

 private:
  static constexpr std::size_t kMaxRemembered = 256;  // beyond that many tables, match every time

  bool ignored(std::string_view table) {
    // Most recently seen first: changes come in runs of one table.
    for (std::size_t i = 0; i < remembered_.size(); ++i) {
      if (remembered_[i].first != table) continue;
      std::swap(remembered_[i], remembered_[0]);
      return remembered_[0].second;
    }
    const bool result = std::regex_match(table.begin(), table.end(), ignore_);
    if (remembered_.size() < kMaxRemembered) {
      remembered_.emplace_back(std::string(table), result);
      std::swap(remembered_.back(), remembered_.front());
    }
    return result;
  }

  std::regex ignore_;
  std::vector<std::pair<std::string, bool>> remembered_;  // table name, ignored
};

}  // namespace popyka::builtin
