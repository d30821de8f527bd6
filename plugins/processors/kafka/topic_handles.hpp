#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <librdkafka/rdkafka.h>

#include "topic_name.hpp"

namespace popyka::kafka {

// librdkafka's topic handles, by name, each made the first time a change goes to its topic.
// Producing through a handle skips librdkafka's lookup by name for every message; and
// rd_kafka_topic_new() asks the brokers at once where the topic's partitions are, where
// producing by name leaves that to librdkafka's once-a-second scan (measured: a snapshot into
// Kafka spent 0.9 s of its 3 s with a full queue, waiting for that scan).
class TopicHandles {
 public:
  TopicHandles(rd_kafka_t* producer, TopicName names) : producer_(producer), names_(std::move(names)) {}

  // The handle for a change of `schema`.`table`; nullptr when librdkafka refuses the name
  // (rd_kafka_last_error() says why).
  rd_kafka_topic_t* for_change(std::string_view schema, std::string_view table);
  // The handle for the topic `name`; nullptr as above.
  rd_kafka_topic_t* named(std::string_view name);

 private:
  struct Destroy {
    void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept { return std::hash<std::string_view>{}(name); }
  };

  rd_kafka_t* producer_;
  TopicName names_;
  std::string name_;  // reused for each change's topic name
  std::unordered_map<std::string, std::unique_ptr<rd_kafka_topic_t, Destroy>, NameHash, std::equal_to<>> handles_;
};

}  // namespace popyka::kafka
