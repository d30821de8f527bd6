#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace popyka::source::replication::incremental {

// The prefix of the logical decoding messages that delimit a chunk (a `popyka.` prefix: the
// host's own, so no processor sees one).
inline constexpr std::string_view watermark_prefix = "popyka.watermark";

// A table to read and the SQL condition its rows must meet (empty: every row).
struct TableToRead {
  std::string table;  // schema.table
  std::string condition;
  bool operator==(const TableToRead&) const = default;
};

// Everything needed to go on with a snapshot from a chunk: a low watermark carries it, so the
// stream itself holds the snapshot's progress and a restart finds it again (the server resends
// every watermark past the confirmed position).
struct SnapshotState {
  std::string snapshot_id;  // the signal's id, named in the log lines
  std::string nonce;        // this run's: watermarks of an earlier run are told apart by it
  std::uint64_t chunk = 0;  // the chunk this watermark opens, counted over the run (from 1)
  TableToRead current;
  // The primary key of the last row read before this chunk (key_text(): a JSON array of the
  // values as the stream writes them); absent at the table's start.
  std::optional<std::string> last_key;
  std::uint64_t table_chunks = 0;  // of `current`, done before this chunk
  std::uint64_t table_rows = 0;    // of `current`, handed on before this chunk
  std::deque<TableToRead> queue;   // the tables after `current`
  bool operator==(const SnapshotState&) const = default;
};

// A watermark's content: a low one opens a chunk (with the state), a high one ends it.
struct Watermark {
  bool high = false;
  std::string nonce;
  std::uint64_t chunk = 0;
  SnapshotState state;  // a low watermark's
};

std::string low_watermark(const SnapshotState& state);
std::string high_watermark(std::string_view nonce, std::uint64_t chunk);
// nullopt when `content` is not a watermark this host wrote (it is then ignored).
std::optional<Watermark> parse_watermark(std::string_view content);

}  // namespace popyka::source::replication::incremental
