#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <popyka/sdk/change.hpp>

#include "record.hpp"

namespace popyka::kafka::debezium {

// Debezium's transaction metadata (provide.transaction.metadata) over the events one writer
// sends: a BEGIN and an END event per transaction for the transaction topic, and the
// `transaction` block of each event in between. It counts only the events it is told of, so the
// counts are those of what this processor sent, after every filter and skipped operation.
//
// As Debezium's PostgreSQL connector (PostgresTransactionMonitor): the id is `<txid>:<lsn>` with
// the LSN of the event it is written in (BEGIN's, each event's, END's), the key `{"id": <id>}`,
// a data collection `<schema>.<table>`; ts_ms of BEGIN and END is the commit time.
class TransactionMetadata {
 public:
  explicit TransactionMetadata(bool schemas) : schemas_(schemas) {}

  bool in_progress() const noexcept { return in_progress_; }
  bool is_current(std::string_view xid) const noexcept { return in_progress_ && xid == xid_; }

  // Starts transaction `xid` (its counts at zero) and writes its BEGIN event into `record` (one
  // without a header).
  void begin(std::string_view xid, sdk::Lsn lsn, std::int64_t ts_ms, Record& record);
  // Writes the END event of the transaction in progress, with its counts, and ends it.
  void end(sdk::Lsn lsn, std::int64_t ts_ms, Record& record);
  // Counts one event of `data_collection` at `lsn` and writes its block
  // `{"id":..,"total_order":..,"data_collection_order":..}`.
  void append_block(std::string& out, std::string_view data_collection, sdk::Lsn lsn);

 private:
  void write_event(Record& record, std::string_view status, sdk::Lsn lsn, std::int64_t ts_ms, bool with_counts);
  void append_id(std::string& out, sdk::Lsn lsn) const;

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  bool schemas_;
  bool in_progress_ = false;
  std::string xid_;
  std::int64_t total_ = 0;
  std::vector<std::pair<std::string, std::int64_t>> collections_;  // in the order first seen
  std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> collection_index_;
};

}  // namespace popyka::kafka::debezium
