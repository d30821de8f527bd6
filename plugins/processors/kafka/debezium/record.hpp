#pragma once
#include <string>
#include <string_view>

namespace popyka::kafka::debezium {

// Where a record goes: the change's topic (its table's, or the messages' for op m), or the
// transaction topic (BEGIN and END events, with transaction_metadata).
enum class Destination { Change, Transaction };

// One Kafka record: a key and a value, either of which may be null.
struct Record {
  bool has_key = false;
  std::string key;
  bool has_value = false;  // false: a tombstone
  std::string value;
  // A primary-key change's pair of events carry the other key: `__debezium.newkey` on the
  // delete, `__debezium.oldkey` on the create (empty name: no such header).
  std::string_view key_header;
  std::string key_header_value;
  Destination destination = Destination::Change;
};

}  // namespace popyka::kafka::debezium
