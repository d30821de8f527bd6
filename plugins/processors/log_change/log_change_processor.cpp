// popyka-log-change.so: LogChangeProcessor, which logs every change it sees.
#include <cstdlib>

#include <popyka/sdk.hpp>

#include "json_indent.hpp"

namespace sdk = popyka::sdk;

namespace popyka::builtin {

// Logs each change as JSON exactly as wal2json wrote it: on one line when POPYKA_COMPACT_DUMP
// is set, indented otherwise (the original's behaviour). Numerics keep every digit.
class LogChangeProcessor final : public sdk::Processor {
 public:
  void setup(const sdk::Config&, sdk::Host& host) override {
    host_ = &host;
    const char* compact = std::getenv("POPYKA_COMPACT_DUMP");
    compact_ = compact != nullptr && *compact != '\0';
  }

  void process(const sdk::Change& change) override {
    if (!host_->log_enabled(sdk::LogLevel::Info)) return;
    if (compact_) host_->log(sdk::LogLevel::Info, change.json());
    else host_->log(sdk::LogLevel::Info, indent_json(change.json()));
  }

 private:
  sdk::Host* host_ = nullptr;
  bool compact_ = false;
};

}  // namespace popyka::builtin

POPYKA_PLUGIN(sdk::plugin_class<popyka::builtin::LogChangeProcessor>("popyka.builtin.processors.LogChangeProcessor", sdk::ConfigKeys::none()))
