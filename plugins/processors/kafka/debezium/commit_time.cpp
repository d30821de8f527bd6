#include "commit_time.hpp"

#include "column_value.hpp"
#include "pg_text.hpp"

namespace popyka::kafka::debezium {

const EpochTimes* CommitTime::of(const sdk::Change& change) {
  const sdk::Value timestamp = change.timestamp();
  if (!timestamp.is_string()) return nullptr;
  if (timestamp.json() != text_) {
    text_ = timestamp.json();
    int infinite = 0;
    const auto micros = parse_timestamp(json_string_text(text_, buffer_), &infinite);
    finite_ = micros && infinite == 0;
    if (finite_) times_ = EpochTimes(*micros * 1000);
  }
  return finite_ ? &times_ : nullptr;
}

}  // namespace popyka::kafka::debezium
