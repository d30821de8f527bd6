// popyka-bench-components.so: the benchmark's own components, loaded by dlopen like a user's.
//
// bench.processors.NoOp does nothing with a change, so the benchmark measures the host alone.
// bench.filters.MemoTableNameIgnoreFilter is TableNameIgnoreFilter with its answer remembered
// per table name (the regex only runs the first time a table is seen): a proposal measured
// side by side with the built-in one, see bench/README.md.
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <popyka/sdk.hpp>

namespace sdk = popyka::sdk;

namespace {

class NoOp final : public sdk::Processor {
 public:
  void process(const sdk::Change& change) override { last_action_ = change.action(); }

 private:
  sdk::Action last_action_{};
};

class MemoTableNameIgnoreFilter final : public sdk::Filter {
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
    return ignored(table) ? sdk::FilterResult::Ignore : sdk::FilterResult::Continue;
  }

 private:
  struct Known {
    std::string table;
    bool ignored;
  };
  static constexpr std::size_t kMaxKnown = 256;  // beyond that many tables, match every time

  bool ignored(std::string_view table) {
    // Most recently seen first: changes come in runs of one table.
    for (std::size_t i = 0; i < known_.size(); ++i) {
      if (known_[i].table == table) {
        if (i != 0) std::swap(known_[i], known_[0]);
        return known_[0].ignored;
      }
    }
    const bool result = std::regex_match(table.begin(), table.end(), ignore_);
    if (known_.size() < kMaxKnown) {
      known_.push_back(Known{std::string(table), result});
      std::swap(known_.back(), known_.front());
    }
    return result;
  }

  std::regex ignore_;
  std::vector<Known> known_;
};

}  // namespace

POPYKA_PLUGIN(sdk::plugin_class<NoOp>("bench.processors.NoOp", sdk::ConfigKeys::none()),
              sdk::plugin_class<MemoTableNameIgnoreFilter>("bench.filters.MemoTableNameIgnoreFilter",
                                                           sdk::ConfigKeys::of(MemoTableNameIgnoreFilter::kConfigKeys)))
