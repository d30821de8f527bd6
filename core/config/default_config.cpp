#include "config/config_loader.hpp"

namespace popyka::config {

// Verbatim the original popyka's popyka-default.yaml, so that its environment variables keep
// working unchanged.
const std::string_view kDefaultConfigYaml = R"yaml(database:
    connect_url: "${POPYKA_DB_DSN}"
    slot_name: "${POPYKA_DB_SLOT_NAME:-popyka}"
filters:
    - class: popyka.builtin.filters.IgnoreTxFilter
      config: {}
processors:
    - class: popyka.builtin.processors.LogChangeProcessor
      filters: []
      config: {}
    - class: popyka.builtin.processors.ProduceToKafkaProcessor
      filters: []
      error_handlers:
        - class: popyka.builtin.error_handlers.RetryProcessor
          config: {}
      config:
        topic: "${POPYKA_KAFKA_TOPIC:-popyka}"
        producer_config:
          "bootstrap.servers": "${POPYKA_KAFKA_BOOTSTRAP_SERVERS}"
          "client.id": "${POPYKA_KAFKA_CLIENT_ID:-popyka-client}"
)yaml";

}  // namespace popyka::config
