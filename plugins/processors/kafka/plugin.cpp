// popyka-kafka.so: the built-in Kafka processor.
#include <popyka/sdk.hpp>

#include "kafka_settings.hpp"
#include "produce_to_kafka_processor.hpp"

POPYKA_PLUGIN(popyka::sdk::plugin_class<popyka::kafka::ProduceToKafkaProcessor>(
    "popyka.builtin.processors.ProduceToKafkaProcessor", popyka::sdk::ConfigKeys::of(popyka::kafka::kKafkaConfigKeys)))
