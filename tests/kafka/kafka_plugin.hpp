#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <popyka/sdk.hpp>

namespace popyka::test {

class RecordingHost;

using ProcessorPtr = std::unique_ptr<sdk::Processor, std::function<void(sdk::Processor*)>>;

// Creates ProduceToKafkaProcessor from the built popyka-kafka.so (dlopen, the descriptor, the
// class's own create/destroy), as the host does. setup() is left to the test.
ProcessorPtr create_kafka_processor();

using Pairs = std::vector<std::pair<std::string, std::string>>;

// A processor's `config:` at `processors[0].config`: top-level scalars and, unless nullopt,
// a `producer_config` mapping.
sdk::Config processor_config(const Pairs& top, const std::optional<Pairs>& producer_config);

// The usual test config: `topic` and the producer's bootstrap.servers and client.id, plus extras.
sdk::Config kafka_config(const std::string& bootstrap, const Pairs& top, const Pairs& producer_extra = {});

// Polls until every deferred change is reported, or `timeout`; returns whether all were.
bool wait_reported(sdk::Processor& processor, const RecordingHost& host,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace popyka::test
