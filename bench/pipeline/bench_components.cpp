// popyka-bench-components.so: the benchmark's own components, loaded by dlopen like a user's.
//
// bench.processors.NoOp does nothing with a change, so the benchmark measures the host alone.
// bench.processors.DebeziumFormat writes each change as ProduceToKafkaProcessor's `format:
// debezium` does (the same EventWriter), without Kafka: the cost of the format alone.
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <popyka/sdk.hpp>

#include "debezium/event_writer.hpp"

namespace sdk = popyka::sdk;

namespace {

class NoOp final : public sdk::Processor {
 public:
  void process(const sdk::Change& change) override { last_action_ = change.action(); }

 private:
  sdk::Action last_action_{};
};

constexpr sdk::ConfigKey kDebeziumKeys[] = {{"schemas", "true: JsonConverter's schema and payload"}};

class DebeziumFormat final : public sdk::Processor {
 public:
  void setup(const sdk::Config& config, sdk::Host&) override {
    popyka::kafka::debezium::DebeziumSettings settings;
    settings.topic_prefix = "bench";
    settings.database_name = "bench";
    settings.schemas = config.get_bool("schemas", false);
    writer_.emplace(settings);
  }
  void process(const sdk::Change& change) override {
    for (const auto& record : writer_->write(change)) bytes_ += record.key.size() + record.value.size();
  }

 private:
  std::optional<popyka::kafka::debezium::EventWriter> writer_;
  std::size_t bytes_ = 0;
};

}  // namespace

POPYKA_PLUGIN(sdk::plugin_class<NoOp>("bench.processors.NoOp", sdk::ConfigKeys::none()),
              sdk::plugin_class<DebeziumFormat>("bench.processors.DebeziumFormat", sdk::ConfigKeys::of(kDebeziumKeys)))
