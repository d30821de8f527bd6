#pragma once
#include <regex>

#include <popyka/sdk.hpp>

namespace popyka::builtin {

// Drops changes of tables whose whole name matches `ignore_regex`; changes without a table
// go on to the next filter.
class TableNameIgnoreFilter final : public sdk::Filter {
 public:
  static constexpr sdk::ConfigKey kConfigKeys[] = {{"ignore_regex", "regular expression (ECMAScript) matched against the whole table name"}};

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
    return std::regex_match(table.begin(), table.end(), ignore_) ? sdk::FilterResult::Ignore : sdk::FilterResult::Continue;
  }

 private:
  std::regex ignore_;
};

}  // namespace popyka::builtin
