#include "topic_handles.hpp"

namespace popyka::kafka {

rd_kafka_topic_t* TopicHandles::for_change(std::string_view schema, std::string_view table) {
  names_.write_for_change(schema, table, name_);
  if (const auto found = handles_.find(std::string_view(name_)); found != handles_.end()) return found->second.get();
  rd_kafka_topic_t* handle = rd_kafka_topic_new(producer_, name_.c_str(), nullptr);
  if (handle != nullptr) handles_.emplace(name_, handle);
  return handle;
}

}  // namespace popyka::kafka
