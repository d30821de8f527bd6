#pragma once
#include <memory>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "kafka_settings.hpp"

namespace popyka::kafka {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct ProducerDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using ProducerPtr = std::unique_ptr<rd_kafka_t, ProducerDeleter>;

// librdkafka's configuration: our defaults (enable.idempotence=true), then the user's
// producer_config, which may override them. Throws sdk::ConfigError naming the property
// (`<path>.producer_config.<property>: <librdkafka's reason>`).
ConfPtr make_producer_conf(const KafkaSettings& settings);

// Sets a property we require, whatever the user gave.
void set_required(rd_kafka_conf_t* conf, const char* name, const char* value);

// Creates the producer; takes `conf` on success. Throws sdk::ConfigError on librdkafka's
// cross-property checks (e.g. `acks` with idempotence), naming producer_config.
ProducerPtr make_producer(ConfPtr conf, const KafkaSettings& settings);

// For `popyka-host --check-config`: runs librdkafka's own checks of `conf` (make_producer's
// ConfigError) on a client with no brokers, destroyed at once: it connects nowhere.
void check_producer_conf(ConfPtr conf, const KafkaSettings& settings);

}  // namespace popyka::kafka
