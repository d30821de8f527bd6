// popyka-bench-components.so: the benchmark's own components, loaded by dlopen like a user's.
//
// bench.processors.NoOp does nothing with a change, so the benchmark measures the host alone.
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

}  // namespace

POPYKA_PLUGIN(sdk::plugin_class<NoOp>("bench.processors.NoOp", sdk::ConfigKeys::none()))
