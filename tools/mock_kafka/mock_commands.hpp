#pragma once
#include <string>
#include <string_view>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace popyka::mock_kafka {

// The fault-injection commands read from stdin: one line in, one answer out
// (`ok` or `error: <why>`), so a test knows the fault is in place before it goes on.
class MockCommands {
 public:
  MockCommands(rd_kafka_mock_cluster_t* cluster, int default_partitions)
      : cluster_(cluster), default_partitions_(default_partitions) {}

  std::string execute(std::string_view line);

 private:
  rd_kafka_mock_cluster_t* cluster_;
  int default_partitions_;
};

// A Kafka error by name (`NOT_ENOUGH_REPLICAS`, `RD_KAFKA_RESP_ERR__TRANSPORT`, `_TRANSPORT`) or
// number; throws std::invalid_argument when unknown.
rd_kafka_resp_err_t parse_error_code(std::string_view text);

}  // namespace popyka::mock_kafka
