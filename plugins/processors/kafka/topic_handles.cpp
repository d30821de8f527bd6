#include "topic_handles.hpp"

namespace popyka::kafka {

rd_kafka_topic_t* TopicHandles::for_change(std::string_view schema, std::string_view table) {
  names_.write_for_change(schema, table, name_);
  return named(name_);
}

rd_kafka_topic_t* TopicHandles::named(std::string_view name) {
  if (const auto found = handles_.find(name); found != handles_.end()) return found->second.get();
  const std::string owned(name);
  rd_kafka_topic_t* handle = rd_kafka_topic_new(producer_, owned.c_str(), nullptr);
  if (handle != nullptr) handles_.emplace(owned, handle);
  return handle;
}

}  // namespace popyka::kafka
