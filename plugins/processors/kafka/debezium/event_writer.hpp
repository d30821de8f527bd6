#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <popyka/sdk/change.hpp>
#include <popyka/sdk/change_details.hpp>

#include "column_value.hpp"
#include "commit_time.hpp"
#include "debezium_settings.hpp"
#include "epoch_times.hpp"
#include "record.hpp"
#include "table_shapes.hpp"
#include "transaction_metadata.hpp"

namespace popyka::kafka::debezium {

// Turns a change into the records Debezium's PostgreSQL connector (2.x, with Kafka Connect's
// JsonConverter) writes for it:
//   I -> op c, R (initial snapshot) -> op r, U -> op u, D -> op d then a tombstone, T -> op t
//   (skipped by default, as Debezium's skipped.operations), M -> op m (only the prefixes
//   settings.messages lets through); B and C -> nothing, or with transaction_metadata a BEGIN and
//   an END event for the transaction topic (see TransactionMetadata).
//   A U that changes the primary key -> op d under the old key, its tombstone, op c under the new.
// The envelope is {before, after, source, op, ts_ms, ts_us, ts_ns, transaction} (no ts_us and
// ts_ns before Debezium 2.6, settings.release); the key the primary key's
// columns (null without one). docs/debezium-format.md says what each field holds and where
// popyka differs from Debezium.
//
// Keeps its buffers between changes: once warm, a change costs no allocation.
class EventWriter {
 public:
  using Clock = std::int64_t (*)();  // nanoseconds since the epoch
  explicit EventWriter(DebeziumSettings settings, Clock now_ns = &system_now_ns);

  // The records for `change`, in the order to produce them; valid until the next call.
  std::span<const Record> write(const sdk::Change& change);

  static std::int64_t system_now_ns();

 private:
  // `op` c, r, u or d. `partial`: the change is an UPDATE, whose new row may lack unchanged
  // TOASTed values.
  void write_row_event(const sdk::Change& change, char op, bool partial);
  // The next of records_, with no header and for the change's topic; its key and value as last written.
  Record& next_record();
  void write_tombstone();
  bool changes_key(const sdk::Change& change) const;
  void write_key_change(const sdk::Change& change);
  void write_truncate(const sdk::Change& change);
  void write_message(const sdk::Change& change);
  // The key record's JSON, from the new row's values or (`old_key`) the identity's; false when
  // the change has no primary key.
  bool append_key(std::string& out, TableShape& shape, const sdk::Change& change, bool old_key);
  // `{"col":value,...}` over the table's shape, from `row` (the change's columns or identity);
  // columns absent from `row` are `missing` (null, or Debezium's placeholder for unchanged TOAST).
  // `row_matches`: `row` has the shape's columns in order (TableShapes::update said so).
  enum class Missing { Null, Unavailable };
  void append_row(std::string& out, const sdk::Change& change, const TableShape& shape, std::span<const sdk::Column> row,
                  std::span<const sdk::Column> fill, Missing missing, bool row_matches = false);
  // `snapshot`: source.snapshot (`false` outside the snapshot). `now`: when the event is
  // written (the source's time when the change has no commit time). `table_names`: its
  // `,"schema":..,"table":..`. `snapshot_xid`: a snapshot row's txId, when the host gives it.
  void append_source(std::string& out, const sdk::Change& change, std::string_view snapshot, const EpochTimes& now,
                     std::string_view table_names, sdk::Value snapshot_xid = {});
  // The table's `,"schema":..,"table":..`, written once per table.
  static std::string_view table_names(TableShape& shape);
  // source.snapshot of a snapshot row, from the host's details (null: a host without them).
  std::string_view snapshot_marker(const sdk::ChangeDetails* details);
  // `"ts_ms":..` and, from Debezium 2.6 on, `,"ts_us":..,"ts_ns":..`: the envelope's times.
  void append_times(std::string& out, const EpochTimes& time) const;
  void append_micro_times(std::string& out, const EpochTimes& time) const;
  void append_envelope_start(std::string& out, TableShape& shape, const sdk::Change& change);
  // With transaction_metadata, for a B or before an event: the BEGIN of its transaction when that
  // is not the one in progress (or it is its B, sent again), after the END of the one in progress
  // when that is another (whose C a filter dropped).
  void enter_transaction(const sdk::Change& change);
  // `,"transaction":` and the event's block, counted, or null outside a transaction.
  void append_transaction(std::string& out, const sdk::Change& change);
  std::int64_t commit_ms(const sdk::Change& change);  // the commit time in milliseconds, now when it has none
  bool in_transaction(const sdk::Change& change) const;  // has an xid, and is not a non-transactional message
  void close_value(std::string& out) const;

  DebeziumSettings settings_;
  Clock now_ns_;
  ColumnValueWriter values_;
  TableShapes shapes_;
  // The most one change makes: END and BEGIN (filtered C and B), delete, tombstone, create.
  std::array<Record, 5> records_;
  std::optional<TransactionMetadata> transactions_;  // with transaction_metadata
  std::size_t count_ = 0;
  bool snapshot_started_ = false;  // an R row was written
  // The last C's LSN as sequence writes it (C passes the filters only without IgnoreTxFilter).
  std::string last_commit_sequence_ = "null";
  CommitTime commit_time_;
  std::vector<std::string_view> key_names_;
  std::string schema_base_, scratch_, data_collection_, message_names_;
  std::string source_start_, db_;  // the source block's parts that never change
  std::string source_schema_, message_value_schema_;  // for the release
};

}  // namespace popyka::kafka::debezium
