#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "popyka/sdk/change.hpp"

namespace popyka::source::replication::incremental {

// The prefix of the logical decoding messages that carry a signal (a `popyka.` prefix: the host's
// own, so no processor sees one).
inline constexpr std::string_view signal_message_prefix = "popyka.signal";

// `execute-snapshot` with `"type": "incremental"`: read these tables again, beside the stream.
struct SnapshotRequest {
  std::string id;  // the signal's id, named in every log line about it
  // `data-collections` as given: `schema.table`, or Debezium's regular expressions over those
  // names; the snapshot resolves them against the database.
  std::vector<std::string> tables;
  // `additional-conditions`: a table (as in `tables`) and the SQL condition its rows must meet.
  std::vector<std::pair<std::string, std::string>> conditions;
};

// `stop-snapshot`: stop reading these tables (`data-collections`), or every table when empty.
struct StopRequest {
  std::string id;
  std::vector<std::string> tables;
};

using Signal = std::variant<SnapshotRequest, StopRequest>;

// A Debezium signal: its id, type (`execute-snapshot`, `stop-snapshot`) and data (JSON). A
// malformed one (bad JSON, an unknown type, a snapshot type other than incremental, no
// data-collections) is logged as one warning naming its id, and gives nullopt: the stream goes on.
std::optional<Signal> parse_signal(std::string_view id, std::string_view type, std::string_view data);

// A row inserted into `database.signal_table` (an I change): its `id`, `type` and `data` columns.
std::optional<Signal> signal_from_row(const sdk::Change& row);

// The content of a `popyka.signal` logical message: either Debezium's envelope
// `{"id": ..., "type": ..., "data": {...}}`, or the data alone (an execute-snapshot), whose id is
// then `id_when_absent` (the message's LSN, say).
std::optional<Signal> signal_from_message(std::string_view content, std::string_view id_when_absent);

}  // namespace popyka::source::replication::incremental
