#include "event_writer.hpp"

#include <charconv>
#include <chrono>

#include <popyka/sdk/json.hpp>
#include <popyka/sdk/version.hpp>
#include "base64.hpp"
#include "column_default.hpp"
#include "connect_schemas.hpp"
#include "pg_text.hpp"

namespace popyka::kafka::debezium {

namespace {

// source.version: which program wrote the event (Debezium writes its own version here).
constexpr std::string_view kSourceVersion = "popyka-" POPYKA_VERSION_STRING;

// An LSN's digits, written into `buffer`; empty for 0 (no LSN).
std::string_view lsn_digits(sdk::Lsn lsn, std::array<char, 20>& buffer) {
  if (lsn == 0) return {};
  const char* end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), static_cast<std::int64_t>(lsn)).ptr;
  return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}

// `"\"123\""`, or null: an LSN (its digits) as a JSON string inside the sequence string.
void append_sequence_lsn(std::string& out, std::string_view digits) {
  if (digits.empty()) {
    out += "null";
    return;
  }
  out += "\\\"";
  out += digits;
  out += "\\\"";
}

// The source block's `,"schema":..,"table":..`.
void append_table_names(std::string& out, std::string_view schema, std::string_view table) {
  out += ",\"schema\":";
  sdk::append_json_string(out, schema);
  out += ",\"table\":";
  sdk::append_json_string(out, table);
}

std::string_view text_of(sdk::Value value, std::string& buffer) { return json_string_text(value.json(), buffer); }

const sdk::Column* find(std::span<const sdk::Column> row, std::size_t hint, std::string_view name) {
  if (hint < row.size() && row[hint].name == name) return &row[hint];
  for (const sdk::Column& c : row)
    if (c.name == name) return &c;
  return nullptr;
}

// What a null value of `row` (the change's columns or identity) stands for: a NaN or an infinity
// of a float or numeric column, which wal2json's JSON writes as null. Asked of the host only for
// such a null, so other values cost nothing.
sdk::SpecialNumber special_number(const sdk::Change& change, std::span<const sdk::Column> row, const sdk::Column& column,
                                  const PgType& type) {
  const bool may_be_special = type.kind == PgType::Kind::Float32 || type.kind == PgType::Kind::Float64 || type.kind == PgType::Kind::Numeric;
  if (!may_be_special || type.array || !column.value.is_null()) return sdk::SpecialNumber::none;
  const sdk::SpecialNumbers* specials = sdk::special_numbers_of(change);
  if (specials == nullptr) return sdk::SpecialNumber::none;
  const auto index = static_cast<std::size_t>(&column - row.data());
  return sdk::special_number_at(row.data() == change.columns().data() ? specials->in_columns() : specials->in_identity(), index);
}

}  // namespace

std::int64_t EventWriter::system_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

EventWriter::EventWriter(DebeziumSettings settings, Clock now_ns)
    : settings_(std::move(settings)),
      now_ns_(now_ns),
      values_(settings_.decimal_mode),
      source_schema_(source_schema(settings_.release)),
      message_value_schema_(message_value_schema(source_schema_, settings_.release)) {
  if (settings_.transaction_metadata) transactions_.emplace(settings_.schemas);
  source_start_ = "{\"version\":\"";
  source_start_ += kSourceVersion;
  source_start_ += "\",\"connector\":\"postgresql\",\"name\":";
  sdk::append_json_string(source_start_, settings_.topic_prefix);
  source_start_ += ",\"ts_ms\":";
  db_ = ",\"db\":";
  sdk::append_json_string(db_, settings_.database_name);
}

std::span<const Record> EventWriter::write(const sdk::Change& change) {
  count_ = 0;
  switch (change.action()) {
    case sdk::Action::Commit: {
      std::array<char, 20> digits;
      last_commit_sequence_.clear();
      append_sequence_lsn(last_commit_sequence_, lsn_digits(change.lsn(), digits));
      if (transactions_ && transactions_->in_progress())
        transactions_->end(change.lsn(), commit_ms(change), next_record());
      break;
    }
    case sdk::Action::Begin:
      if (transactions_) enter_transaction(change);
      break;
    case sdk::Action::Insert:
      if (!settings_.skip_create) write_row_event(change, 'c', false);
      break;
    case sdk::Action::Read:
      write_row_event(change, 'r', false);
      break;
    case sdk::Action::Update:
      if (settings_.skip_update) break;
      if (changes_key(change)) write_key_change(change);
      else write_row_event(change, 'u', true);
      break;
    case sdk::Action::Delete:
      if (settings_.skip_delete) break;
      write_row_event(change, 'd', false);
      write_tombstone();
      break;
    case sdk::Action::Truncate:
      if (!settings_.skip_truncate) write_truncate(change);
      break;
    case sdk::Action::Message:
      if (settings_.messages && settings_.messages->accepts(text_of(change.message_prefix(), scratch_))) write_message(change);
      break;
  }
  return std::span<const Record>(records_.data(), count_);
}

Record& EventWriter::next_record() {
  Record& record = records_[count_++];
  record.key_header = {};
  record.destination = Destination::Change;
  return record;
}

void EventWriter::write_tombstone() {
  const Record& event = records_[count_ - 1];
  if (!settings_.tombstones_on_delete || !event.has_key) return;
  Record& tombstone = next_record();
  tombstone.has_key = true;
  tombstone.key = event.key;
  tombstone.has_value = false;
  tombstone.value.clear();
}

bool EventWriter::changes_key(const sdk::Change& change) const {
  // The identity holds the old key when it changed (or the whole old row under FULL).
  for (const sdk::Column& k : change.primary_key()) {
    const sdk::Column* now = find(change.columns(), 0, k.name);
    const sdk::Column* before = find(change.identity(), 0, k.name);
    if (now != nullptr && before != nullptr && now->value.json() != before->value.json()) return true;
  }
  return false;
}

void EventWriter::write_key_change(const sdk::Change& change) {
  // As Debezium: a delete under the old key, its tombstone, a create under the new key, each
  // event naming the other key in a header.
  write_row_event(change, 'd', false);
  const std::size_t deleted = count_ - 1;
  write_tombstone();
  write_row_event(change, 'c', true);
  Record& removed = records_[deleted];
  Record& created = records_[count_ - 1];
  removed.key_header = created.has_key ? "__debezium.newkey" : "";
  removed.key_header_value = created.key;
  created.key_header = removed.has_key ? "__debezium.oldkey" : "";
  created.key_header_value = removed.key;
}

void EventWriter::write_row_event(const sdk::Change& change, char op, bool partial) {
  const auto columns = change.columns();
  const auto identity = change.identity();
  const bool complete = !partial && op != 'd';
  // NOT NULL and enums matter to the schemas only; the host says them when it knows (details).
  const sdk::ChangeDetails* details = (settings_.schemas && complete) || op == 'r' ? sdk::details_of(change) : nullptr;
  const std::span<const sdk::ColumnDetails> column_details =
      settings_.schemas && complete && details != nullptr ? details->column_details() : std::span<const sdk::ColumnDetails>{};
  bool row_matches = false;  // the row below has the shape's columns in order: no lookup by name
  TableShape& shape =
      shapes_.update(change.schema(), change.table(), op == 'd' ? identity : columns, complete, column_details, &row_matches);
  // Domains and defaults matter to values too (a domain's value is its base type's, a null may
  // be written as the default): taken when the table's columns changed (a domain's base type does
  // not change) from a complete row or an UPDATE's new row that has the table's columns (a table
  // may see only updates), and from every complete row with the schemas, as the details. So a
  // change without schemas does not pay for asking the host (with wal2json, a catalog lookup).
  const bool stale = shape.definitions_version != shape.version;
  if ((complete && (settings_.schemas || stale)) || (op != 'd' && row_matches && stale)) {
    const sdk::ColumnDefinitions* definitions = sdk::column_definitions_of(change);
    // The details too when update() did not take them: an enum's labels say its default is one.
    const sdk::ChangeDetails* more = column_details.empty() ? (details != nullptr ? details : sdk::details_of(change)) : nullptr;
    TableShapes::take_definitions(
        shape, definitions != nullptr ? definitions->column_definitions() : std::span<const sdk::ColumnDefinition>{},
        more != nullptr ? more->column_details() : std::span<const sdk::ColumnDetails>{});
  }
  // A change naming no key leaves the shape's as it is (its schemas too: as before this cache).
  if (!change.primary_key().empty()) take_key(shape, change.primary_key());
  if (shape.defaults_pending) derive_defaults(shape, values_, settings_.replace_null_with_default);
  if (transactions_) enter_transaction(change);

  Record& record = next_record();
  record.key.clear();
  record.has_key = append_key(record.key, shape, change, op == 'd');
  record.value.clear();
  record.has_value = true;
  std::string& out = record.value;
  const EpochTimes now(now_ns_());
  append_envelope_start(out, shape, change);
  out += "{\"before\":";
  // The identity is the old row under REPLICA IDENTITY FULL, the key's columns otherwise.
  if (op == 'u' || op == 'd') append_row(out, change, shape, identity, {}, Missing::Null, op == 'd' && row_matches);
  else out += "null";
  out += ",\"after\":";
  // An UPDATE leaves unchanged TOASTed values out: from the old row when it has them (FULL),
  // otherwise Debezium's placeholder.
  if (op == 'd') out += "null";
  else append_row(out, change, shape, columns, identity, partial ? Missing::Unavailable : Missing::Null, row_matches);
  out += ",\"source\":";
  append_source(out, change, op == 'r' ? snapshot_marker(details) : "false", now, table_names(shape),
                op == 'r' && details != nullptr ? details->snapshot_xid() : sdk::Value{});
  out += ",\"op\":\"";
  out += op;
  out += "\",";
  append_times(out, now);
  append_transaction(out, change);
  out += '}';
  close_value(out);
}

void EventWriter::write_truncate(const sdk::Change& change) {
  TableShape& shape = shapes_.update(change.schema(), change.table(), {}, false);
  if (transactions_) enter_transaction(change);
  Record& record = next_record();
  record.has_key = false;  // Debezium: a truncate has no key
  record.key.clear();
  record.has_value = true;
  std::string& out = record.value;
  out.clear();
  const EpochTimes now(now_ns_());
  append_envelope_start(out, shape, change);
  out += "{\"before\":null,\"after\":null,\"source\":";
  append_source(out, change, "false", now, table_names(shape));
  out += ",\"op\":\"t\",";
  append_times(out, now);
  append_transaction(out, change);
  out += '}';
  close_value(out);
}

void EventWriter::write_message(const sdk::Change& change) {
  // Debezium 3.0 on counts a transactional message in its transaction (before, it has no block).
  const bool counted = has_message_transaction(settings_.release);
  if (transactions_ && counted) enter_transaction(change);
  Record& record = next_record();
  const std::string_view prefix = text_of(change.message_prefix(), scratch_);
  std::string& key = record.key;
  key.clear();
  if (settings_.schemas) open_schema_wrapper(key, message_key_schema());
  key += "{\"prefix\":";
  sdk::append_json_string(key, prefix);
  key += '}';
  if (settings_.schemas) key += '}';
  record.has_key = true;

  std::string& out = record.value;
  out.clear();
  record.has_value = true;
  if (settings_.schemas) open_schema_wrapper(out, message_value_schema_);
  // Debezium's message value has ts_ms only; its source has all three.
  const EpochTimes now(now_ns_());
  out += "{\"op\":\"m\",\"ts_ms\":";
  out += now.ms();
  out += ",\"source\":";
  message_names_.clear();
  append_table_names(message_names_, change.schema(), change.table());
  append_source(out, change, "false", now, message_names_);
  if (counted) append_transaction(out, change);
  out += ",\"message\":{\"prefix\":";
  sdk::append_json_string(out, prefix);
  out += ",\"content\":\"";
  append_base64(out, text_of(change.message_content(), scratch_));
  out += "\"}}";
  if (settings_.schemas) out += '}';
}

bool EventWriter::append_key(std::string& out, TableShape& shape, const sdk::Change& change, bool old_key) {
  if (change.primary_key().empty()) return false;
  const std::size_t start = out.size();
  if (settings_.schemas) {
    if (shape.key_schema.empty())
      append_key_schema(shape.key_schema, change.primary_key(), shape,
                        schema_name_base(settings_.topic_prefix, change.schema(), change.table()), values_);
    open_schema_wrapper(out, shape.key_schema);
  }
  out += '{';
  const auto row = old_key ? change.identity() : change.columns();  // new values first
  for (std::size_t i = 0; i < shape.key.size(); ++i) {
    const ShapeColumn& k = shape.key[i];
    const sdk::Column* c = find(row, i, k.name);
    if (c == nullptr || !c->value.is_present()) {
      out.resize(start);
      return false;
    }
    if (i > 0) out += ',';
    out += k.json_name;
    values_.append_value(out, *c, k.type);
  }
  out += '}';
  if (settings_.schemas) out += '}';
  return true;
}

void EventWriter::append_row(std::string& out, const sdk::Change& change, const TableShape& shape, std::span<const sdk::Column> row,
                             std::span<const sdk::Column> fill, Missing missing, bool row_matches) {
  out += '{';
  for (std::size_t i = 0; i < shape.columns.size(); ++i) {
    const ShapeColumn& c = shape.columns[i];
    if (i > 0) out += ',';
    out += c.json_name;
    if (const sdk::Column* v = row_matches ? &row[i] : find(row, i, c.name))
      values_.append_value(out, *v, c.type, special_number(change, row, *v, c.type), c.null_default());
    else if (const sdk::Column* old = find(fill, i, c.name))
      values_.append_value(out, *old, c.type, special_number(change, fill, *old, c.type), c.null_default());
    else if (missing == Missing::Unavailable) values_.append_unavailable(out, c.type);
    else if (c.null_as_default) out += c.default_json;
    else out += "null";
  }
  out += '}';
}

void EventWriter::append_times(std::string& out, const EpochTimes& time) const {
  out += "\"ts_ms\":";
  out += time.ms();
  append_micro_times(out, time);
}

void EventWriter::append_micro_times(std::string& out, const EpochTimes& time) const {
  if (!has_micro_times(settings_.release)) return;
  out += ",\"ts_us\":";
  out += time.us();
  out += ",\"ts_ns\":";
  out += time.ns();
}

std::string_view EventWriter::snapshot_marker(const sdk::ChangeDetails* details) {
  // Debezium's markers: `first` and `last` for the snapshot's first and last rows (`last` for a
  // one-row snapshot), `first_in_data_collection`/`last_in_data_collection` for each other
  // table's, `true` between, `incremental` for a snapshot taken while streaming. A
  // host without ChangeDetails does not say which row is the last: `first`, then `true`.
  const bool first = !snapshot_started_;
  snapshot_started_ = true;
  if (details == nullptr) return first ? "first" : "true";
  if (details->snapshot_origin() == sdk::SnapshotOrigin::incremental) return "incremental";
  switch (details->snapshot_position()) {
    case sdk::SnapshotPosition::first: return "first";
    case sdk::SnapshotPosition::last: return "last";
    case sdk::SnapshotPosition::middle: return "true";
    case sdk::SnapshotPosition::first_in_table: return "first_in_data_collection";
    case sdk::SnapshotPosition::last_in_table: return "last_in_data_collection";
    case sdk::SnapshotPosition::none: break;
  }
  return first ? "first" : "true";
}

void EventWriter::append_source(std::string& out, const sdk::Change& change, std::string_view snapshot, const EpochTimes& now,
                                std::string_view table_names, sdk::Value snapshot_xid) {
  out += source_start_;
  const EpochTimes* committed = commit_time_.of(change);
  const EpochTimes& time = committed != nullptr ? *committed : now;
  out += time.ms();
  out += ",\"snapshot\":\"";
  out += snapshot;
  out += '"';
  out += db_;
  // sequence: the last commit's LSN and this change's, as a JSON array of strings in a string.
  std::array<char, 20> buffer;
  const std::string_view lsn = lsn_digits(change.lsn(), buffer);
  out += ",\"sequence\":\"[";
  out += last_commit_sequence_;
  out += ',';
  append_sequence_lsn(out, lsn);
  out += "]\"";
  append_micro_times(out, time);
  out += table_names;
  out += ",\"txId\":";
  if (snapshot_xid.is_number()) out += snapshot_xid.json();
  else out += in_transaction(change) ? change.xid().json() : std::string_view("null");
  out += ",\"lsn\":";
  out += lsn.empty() ? std::string_view("null") : lsn;
  out += ",\"xmin\":null}";
}

std::string_view EventWriter::table_names(TableShape& shape) {
  if (shape.source_names.empty()) append_table_names(shape.source_names, shape.schema, shape.table);
  return shape.source_names;
}

void EventWriter::append_envelope_start(std::string& out, TableShape& shape, const sdk::Change& change) {
  if (!settings_.schemas) return;
  if (shape.envelope_schema.empty()) {
    key_names_.clear();
    for (const sdk::Column& k : change.primary_key()) key_names_.push_back(k.name);
    schema_base_ = schema_name_base(settings_.topic_prefix, change.schema(), change.table());
    shape.value_schema.clear();
    append_value_schema(shape.value_schema, shape, key_names_, schema_base_, values_);
    append_envelope_schema(shape.envelope_schema, shape.value_schema, source_schema_, schema_base_, settings_.release);
  }
  open_schema_wrapper(out, shape.envelope_schema);
}

std::int64_t EventWriter::commit_ms(const sdk::Change& change) {
  // A change without a commit time (a snapshot row): the time it is written.
  const EpochTimes* committed = commit_time_.of(change);
  return floor_div(committed != nullptr ? committed->nanoseconds() : now_ns_(), 1'000'000);
}

bool EventWriter::in_transaction(const sdk::Change& change) const {
  // A non-transactional message has wal2json's xid of the moment, but belongs to no transaction.
  return change.xid().is_number() && (change.action() != sdk::Action::Message || change.transactional());
}

void EventWriter::enter_transaction(const sdk::Change& change) {
  if (!in_transaction(change)) return;
  const std::string_view xid = change.xid().json();
  const bool current = transactions_->is_current(xid);
  // A B of the transaction in progress is the same transaction sent again (after a reconnect):
  // it starts over.
  if (current && change.action() != sdk::Action::Begin) return;
  const std::int64_t ms = commit_ms(change);
  if (transactions_->in_progress() && !current) transactions_->end(change.lsn(), ms, next_record());
  transactions_->begin(xid, change.lsn(), ms, next_record());
}

void EventWriter::append_transaction(std::string& out, const sdk::Change& change) {
  out += ",\"transaction\":";
  if (!transactions_ || !in_transaction(change)) {
    out += "null";
    return;
  }
  data_collection_.clear();
  if (change.action() == sdk::Action::Message) data_collection_ = "LOGICAL_DECODING_MESSAGE";  // Debezium's LogicalDecodingMessageId
  else data_collection_.append(change.schema()).append(1, '.').append(change.table());
  transactions_->append_block(out, data_collection_, change.lsn());
}

void EventWriter::close_value(std::string& out) const {
  if (settings_.schemas) out += '}';
}

}  // namespace popyka::kafka::debezium
