// A plugin built against the frozen copy of the SDK 1.0 headers (tests/compat/sdk-1.0/include),
// never against the current ones: every later popyka-host of ABI 1 must load and run it. It uses
// each kind of component and the asynchronous delivery path.
//
// compat.filters.SkipTable       drops the changes of `table`
// compat.processors.AsyncRecord  defers each change and delivers it from poll(), failing the
//                                first `fail_first`; appends `delivered <table> <id>` to `file`
// compat.error_handlers.Note     appends `failure <processor> retries=<n>: <message>` to `file`,
//                                then asks for a retry
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <popyka/sdk.hpp>

namespace sdk = popyka::sdk;

namespace {

class SkipTable final : public sdk::Filter {
 public:
  static constexpr sdk::ConfigKey kKeys[] = {sdk::required_key("table", sdk::ConfigType::String, "the table to drop")};
  void setup(const sdk::Config& config, sdk::Host&) override { table_ = config.at("table").as_string(); }
  sdk::FilterResult filter(const sdk::Change& change) override {
    return change.table() == table_ ? sdk::FilterResult::Ignore : sdk::FilterResult::Continue;
  }

 private:
  std::string table_;
};

class AsyncRecord final : public sdk::Processor {
 public:
  static constexpr sdk::ConfigKey kKeys[] = {sdk::required_key("file", sdk::ConfigType::String, "where to append"),
                                             sdk::optional_key("fail_first", sdk::ConfigType::Int, "0", "deliveries that fail first")};
  void setup(const sdk::Config& config, sdk::Host& host) override {
    host_ = &host;
    out_.open(config.at("file").as_string(), std::ios::app);
    fail_first_ = config.at("fail_first").as_int64();  // filled in by the host when absent
  }
  void process(const sdk::Change& change) override {
    const sdk::Column* id = change.find_column("id");
    pending_.emplace_back(host_->defer(), std::string(change.table()) + " " + (id ? std::string(id->value.json()) : "-"));
  }
  void poll(std::chrono::milliseconds) override {
    for (auto& [ticket, what] : std::exchange(pending_, {})) {
      if (fail_first_ > 0) {
        --fail_first_;
        host_->failed(ticket, "not yet: " + what);
        continue;
      }
      out_ << "delivered " << what << '\n';
      host_->delivered(ticket);
    }
    out_.flush();
  }

 private:
  sdk::Host* host_ = nullptr;
  std::int64_t fail_first_ = 0;
  std::vector<std::pair<sdk::Ticket, std::string>> pending_;
  std::ofstream out_;
};

class Note final : public sdk::ErrorHandler {
 public:
  static constexpr sdk::ConfigKey kKeys[] = {sdk::required_key("file", sdk::ConfigType::String, "where to append")};
  void setup(const sdk::Config& config, sdk::Host&) override { out_.open(config.at("file").as_string(), std::ios::app); }
  sdk::ErrorAction handle_error(const sdk::Change&, const sdk::Failure& failure) override {
    std::string line = "failure ";
    sdk::append_json_string(line, failure.processor);
    out_ << line << " retries=" << failure.retries << ": " << failure.message << '\n';
    out_.flush();
    return sdk::ErrorAction::RetryProcessor;
  }

 private:
  std::ofstream out_;
};

}  // namespace

POPYKA_PLUGIN(sdk::plugin_class<SkipTable>("compat.filters.SkipTable", sdk::ConfigKeys::of(SkipTable::kKeys)),
              sdk::plugin_class<AsyncRecord>("compat.processors.AsyncRecord", sdk::ConfigKeys::of(AsyncRecord::kKeys)),
              sdk::plugin_class<Note>("compat.error_handlers.Note", sdk::ConfigKeys::of(Note::kKeys)))
