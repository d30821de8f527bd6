// Lets through only the changes of the table named in `config: {table: ...}`.
#include <popyka/sdk.hpp>

namespace sdk = popyka::sdk;

class OnlyTable final : public sdk::Filter {
 public:
  static constexpr sdk::ConfigKey kKeys[] = {sdk::required_key("table", sdk::ConfigType::String, "the table to keep")};
  void setup(const sdk::Config& config, sdk::Host& host) override {
    table_ = config.at("table").as_nonblank_string();
    host.log(sdk::LogLevel::Info, "keeping only table " + table_);
  }
  sdk::FilterResult filter(const sdk::Change& change) override {
    return change.table() == table_ ? sdk::FilterResult::Process : sdk::FilterResult::Ignore;
  }

 private:
  std::string table_;
};

POPYKA_PLUGIN(sdk::plugin_class<OnlyTable>("outoftree.filters.OnlyTable", sdk::ConfigKeys::of(OnlyTable::kKeys)))
