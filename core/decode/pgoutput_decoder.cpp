#include "decode/pgoutput_decoder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <optional>

namespace popyka::decode::pgoutput {
namespace {

// Seconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
constexpr std::int64_t postgres_epoch_unix = 946'684'800;
// Commit times are printed with the zone's offset at that time; the offset is asked once per
// quarter of an hour (zones change offset on such boundaries).
constexpr std::int64_t offset_bucket_s = 900;
// Past any commit time (about 8,000 years either side of 2000): beyond it the arithmetic of the
// commit time's text would overflow.
constexpr std::int64_t max_commit_us = 252'000'000'000'000'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

// Big-endian fields of one message, bounds-checked.
class Decoder::Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::int16_t i16() { return static_cast<std::int16_t>(be(2)); }
  std::int32_t i32() { return static_cast<std::int32_t>(be(4)); }
  std::int64_t i64() { return static_cast<std::int64_t>(be(8)); }
  std::string_view bytes(std::size_t size) { return take(size); }
  std::string_view cstring() {
    const auto end = data_.find('\0', position_);
    if (end == std::string_view::npos) throw DecodeError("pgoutput message: unterminated string");
    auto text = data_.substr(position_, end - position_);
    position_ = end + 1;
    return text;
  }

 private:
  std::string_view take(std::size_t size) {
    if (data_.size() - position_ < size) throw DecodeError("pgoutput message: truncated");
    auto part = data_.substr(position_, size);
    position_ += size;
    return part;
  }
  std::uint64_t be(std::size_t size) {
    std::uint64_t value = 0;
    for (char c : take(size)) value = (value << 8) | static_cast<unsigned char>(c);
    return value;
  }

  std::string_view data_;
  std::size_t position_ = 0;
};

// One change of a message and, for a row or truncate change, what writes its json() when asked:
// the relation's parts written once, around the values, which are JSON already.
class Decoder::Output final : public DecodedChange::JsonWriter {
 public:
  DecodedChange change;
  // B, C and M: the whole message, written at once (small, and read by most who read them);
  // I, U and D: the values' JSON, back to back.
  std::string text;
  const std::string* transaction = nullptr;  // the decoder's, as JSON: ,"xid":..,"timestamp":..
  const Relation* relation = nullptr;
  std::vector<const std::string*> heads;  // of columns() then identity(), in order
  std::vector<sdk::ColumnDetails> details;  // of columns(), when some of the relation's are left out
  std::vector<sdk::ColumnDefinition> definitions;  // likewise
  std::vector<sdk::SpecialNumber> specials;  // of columns() then identity(), when one is special
  bool with_columns = false, with_identity = false, with_pk = false;

  void write_json(std::string& out, std::size_t& columns_at, std::size_t& identity_at) const override {
    out += R"({"action":")";
    out += static_cast<char>(change.action());
    out += '"';
    out += *transaction;
    out += relation->schema_and_table;
    std::size_t head = 0;
    if (with_columns) columns_at = append_array(out, "columns", change.columns(), head);
    if (with_identity) identity_at = append_array(out, "identity", change.identity(), head);
    if (with_pk) out += relation->primary_key;
    out += '}';
  }

 private:
  // Where the array's '[' went.
  std::size_t append_array(std::string& out, std::string_view field, std::span<const sdk::Column> columns,
                           std::size_t& head) const {
    out += ",\"";
    out += field;
    out += "\":";
    const std::size_t at = out.size();
    out += '[';
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += ',';
      out += *heads[head++];
      out += columns[i].value.json();
      out += '}';
    }
    out += ']';
    return at;
  }
};

Decoder::Decoder(Catalog& catalog) : catalog_(catalog) {}
Decoder::~Decoder() = default;

Decoder::Output& Decoder::next_output(sdk::Action action) {
  if (changes_.size() == outputs_.size()) outputs_.push_back(std::make_unique<Output>());
  Output& output = *outputs_[changes_.size()];
  output.change.clear();
  output.change.action_ = action;
  output.change.lsn_ = lsn_;
  output.text.clear();
  output.heads.clear();
  output.relation = nullptr;
  output.with_columns = output.with_identity = output.with_pk = false;
  changes_.push_back(&output.change);
  return output;
}

std::span<DecodedChange* const> Decoder::decode(std::string_view message, sdk::Lsn lsn) {
  changes_.clear();
  lsn_ = lsn;
  if (message.empty()) throw DecodeError("pgoutput message: empty");
  Reader in(message.substr(1));
  switch (message[0]) {
    case 'B': on_begin(in); break;
    case 'C': on_transaction_edge(sdk::Action::Commit); break;
    case 'R': on_relation(in); break;
    case 'I': case 'U': case 'D': on_change(message[0], in); break;
    case 'T': on_truncate(in); break;
    case 'M': on_message(in); break;
    case 'Y': on_type(in); break;
    case 'O': break;  // origins: wal2json leaves them out too
    default:
      throw DecodeError(fmt::format("pgoutput message: unknown type '{}' (0x{:02x})", std::isprint(static_cast<unsigned char>(message[0])) ? message[0] : '?',
                                    static_cast<unsigned char>(message[0])));
  }
  return changes_;
}

void Decoder::set_transaction(DecodedChange& change) const {
  change.xid_ = sdk::Value(xid_);
  change.timestamp_ = sdk::Value(timestamp_);
}

void Decoder::on_begin(Reader& in) {
  in.i64();  // final LSN
  const std::int64_t commit_us = in.i64();
  if (commit_us > max_commit_us || commit_us < -max_commit_us)
    throw DecodeError(fmt::format("pgoutput message: commit time {} µs from 2000-01-01 is out of range", commit_us));
  const auto xid = static_cast<std::uint32_t>(in.i32());
  const std::int64_t unix_s = floor_div(commit_us, 1'000'000) + postgres_epoch_unix;
  const std::int64_t bucket = floor_div(unix_s, offset_bucket_s);
  auto offset = utc_offsets_.find(bucket);
  if (offset == utc_offsets_.end()) {
    if (utc_offsets_.size() > 1024) utc_offsets_.clear();
    offset = utc_offsets_.emplace(bucket, catalog_.utc_offset(bucket * offset_bucket_s)).first;
  }
  xid_ = fmt::format("{}", xid);
  timestamp_ = fmt::format("\"{}\"", format_commit_time(commit_us, offset->second));
  transaction_ = fmt::format(R"(,"xid":{},"timestamp":{})", xid_, timestamp_);
  on_transaction_edge(sdk::Action::Begin);
}

void Decoder::on_transaction_edge(sdk::Action action) {
  Output& out = next_output(action);
  out.text += R"({"action":")";
  out.text += static_cast<char>(action);
  out.text += '"';
  out.text += transaction_;
  out.text += '}';
  out.change.json_ = out.text;
  set_transaction(out.change);
}

void Decoder::on_type(Reader& in) {
  const auto oid = static_cast<std::uint32_t>(in.i32());
  SentTypeName type;
  type.schema = in.cstring();
  if (type.schema.empty()) type.schema = "pg_catalog";  // the protocol sends pg_catalog as ""
  type.name = in.cstring();
  sent_types_.insert_or_assign(oid, std::move(type));
}

void Decoder::on_relation(Reader& in) {
  const auto oid = static_cast<std::uint32_t>(in.i32());
  std::string_view schema = in.cstring();
  if (schema.empty()) schema = "pg_catalog";  // the protocol sends pg_catalog as ""
  const std::string_view table = in.cstring();
  // Under the default replica identity the flagged columns are the primary key as of the change
  // (none without one); under FULL, USING INDEX or NOTHING the stream does not say.
  const bool identity_is_primary_key = in.u8() == 'd';
  const int count = in.i16();
  std::vector<RelationColumn> described(static_cast<std::size_t>(std::max(count, 0)));
  for (auto& column : described) {
    column.replica_identity = (in.u8() & 1) != 0;
    column.name = in.cstring();
    column.type_oid = static_cast<std::uint32_t>(in.i32());
    column.typmod = in.i32();
    if (auto sent = sent_types_.find(column.type_oid); sent != sent_types_.end()) column.sent_type = &sent->second;
  }
  const Catalog::Description description = catalog_.describe(oid, described, !identity_is_primary_key);
  if (description.type_names.size() != described.size())
    throw DecodeError(fmt::format("relation {}: the catalog described {} of {} columns", oid, description.type_names.size(),
                                  described.size()));

  Relation relation;
  relation.schema = schema;
  relation.table = table;
  relation.schema_and_table = R"(,"schema":)";
  append_json_string(relation.schema_and_table, schema);
  relation.schema_and_table += R"(,"table":)";
  append_json_string(relation.schema_and_table, table);
  relation.primary_key = R"(,"pk":[)";
  bool first_key = true;
  for (std::size_t i = 0; i < described.size(); ++i) {
    Column column;
    column.name = described[i].name;
    std::string type;
    append_wal2json_type(type, description.type_names[i]);
    relation.decodable = read_back_json_string(type, column.type) && relation.decodable;
    column.head = R"({"name":)";
    append_json_string(column.head, described[i].name);
    column.head += R"(,"type":)";
    column.head += type;
    column.head += R"(,"value":)";
    column.kind = wal2json_value_kind(described[i].type_oid);
    column.replica_identity = described[i].replica_identity;
    if (description.not_null.size() == described.size()) column.not_null = description.not_null[i];
    if (description.enum_labels.size() == described.size()) column.enum_labels = description.enum_labels[i];
    if (description.base_types.size() == described.size()) column.base_type = description.base_types[i];
    if (description.default_expressions.size() == described.size())
      column.default_expression = description.default_expressions[i];
    // wal2json lists the key's columns in the table's column order.
    column.in_primary_key =
        identity_is_primary_key ? described[i].replica_identity
                                : std::find(description.primary_key.begin(), description.primary_key.end(),
                                            described[i].name) != description.primary_key.end();
    if (column.in_primary_key) {
      relation.primary_key += first_key ? R"({"name":)" : R"(,{"name":)";
      first_key = false;
      append_json_string(relation.primary_key, described[i].name);
      relation.primary_key += R"(,"type":)";
      relation.primary_key += type;
      relation.primary_key += '}';
    }
    relation.columns.push_back(std::move(column));
  }
  relation.primary_key += ']';
  Relation& stored = relations_.insert_or_assign(oid, std::move(relation)).first->second;
  for (const Column& column : stored.columns)  // views into where the names now live
    if (column.in_primary_key) stored.key_columns.push_back({column.name, column.type, {}});
  if (description.not_null.size() == described.size())
    for (const Column& column : stored.columns) {
      stored.details.push_back({column.not_null, column.enum_labels});
      stored.definitions.push_back({column.base_type, column.default_expression});
    }
}

const Decoder::Relation& Decoder::relation(std::uint32_t oid) const {
  auto found = relations_.find(oid);
  if (found == relations_.end()) throw DecodeError(fmt::format("pgoutput message: relation {} was never described", oid));
  return found->second;
}

void Decoder::read_tuple(Reader& in, const Relation& relation, std::vector<Value>& out) {
  const int count = in.i16();
  if (count < 0 || static_cast<std::size_t>(count) != relation.columns.size())
    throw DecodeError(fmt::format("pgoutput message: a tuple of {} columns for a relation of {}", count,
                                  relation.columns.size()));
  out.clear();
  for (int i = 0; i < count; ++i) {
    const char kind = static_cast<char>(in.u8());
    switch (kind) {
      case 'n': case 'u': out.push_back({kind, {}}); break;
      case 't': {
        const std::int32_t size = in.i32();
        if (size < 0) throw DecodeError("pgoutput message: negative value length");
        out.push_back({kind, in.bytes(static_cast<std::size_t>(size))});
        break;
      }
      default:  // 'b' only comes with the binary option, which popyka does not ask for
        throw DecodeError(fmt::format("pgoutput message: unknown column kind '{}'", kind));
    }
  }
}

void Decoder::add_columns(Output& output, const Relation& relation, const std::vector<Value>& values, bool key_only,
                          std::vector<sdk::Column>& out) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Column& column = relation.columns[i];
    // Unchanged TOAST: wal2json skips the column ("does not need to be output").
    if (values[i].kind == 'u' || (key_only && !column.replica_identity)) continue;
    const std::size_t at = output.text.size();
    sdk::SpecialNumber special = sdk::SpecialNumber::none;
    if (values[i].kind == 'n') output.text += "null";
    else special = append_wal2json_value(output.text, column.kind, values[i].text);
    if (special != sdk::SpecialNumber::none) [[unlikely]] special_values_.push_back({value_spans_.size(), special});
    value_spans_.push_back({at, output.text.size() - at});
    out.push_back({column.name, column.type, {}});
    output.heads.push_back(&column.head);
  }
}

void Decoder::point_values(Output& output) {
  const std::string_view text = output.text;
  DecodedChange& change = output.change;
  std::size_t next = 0;
  for (auto* row : {&change.columns_, &change.identity_})
    for (sdk::Column& column : *row) {
      const ValueSpan span = value_spans_[next++];
      column.value = sdk::Value(text.substr(span.offset, span.size));
    }
  if (special_values_.empty()) return;  // the common case: the change says none
  output.specials.assign(value_spans_.size(), sdk::SpecialNumber::none);
  for (const SpecialValue& value : special_values_) output.specials[value.value] = value.special;
  const std::span<const sdk::SpecialNumber> all = output.specials;
  change.set_special_numbers(all.first(change.columns_.size()), all.subspan(change.columns_.size()));
}

void Decoder::set_column_details(Output& output, const Relation& relation) {
  DecodedChange& change = output.change;
  if (relation.details.empty() || change.columns_.empty()) return;
  if (change.columns_.size() == relation.columns.size()) {  // the usual case: every column sent
    change.set_column_details(relation.details, relation.definitions);
    return;
  }
  output.details.clear();  // unchanged TOASTed values left out: the details of those sent
  output.definitions.clear();
  for (const sdk::Column& column : change.columns_)
    for (std::size_t i = 0; i < relation.columns.size(); ++i)
      if (relation.columns[i].name == column.name) {
        output.details.push_back(relation.details[i]);
        output.definitions.push_back(relation.definitions[i]);
      }
  change.set_column_details(output.details, output.definitions);
}

void Decoder::on_change(char action, Reader& in) {
  const Relation& rel = relation(static_cast<std::uint32_t>(in.i32()));
  // What wal2json's decoder would refuse to read, had it been sent as its text.
  if (!rel.decodable)
    throw DecodeError(fmt::format("relation {}.{}: a column's type name is not JSON that reads back (a quoted type name "
                                  "with a '\"' in it, which wal2json writes as it is); rename the type",
                                  rel.schema, rel.table));
  char tuple_kind = static_cast<char>(in.u8());
  // 'K': the old key (replica identity columns, the others null); 'O': the whole old row
  // (REPLICA IDENTITY FULL). An update sends one only when the key changed or with FULL.
  char old_kind = 0;
  if (tuple_kind == 'K' || tuple_kind == 'O') {
    old_kind = tuple_kind;
    read_tuple(in, rel, old_tuple_);
    if (action == 'U') tuple_kind = static_cast<char>(in.u8());
  }
  if (action != 'D') {
    if (tuple_kind != 'N') throw DecodeError(fmt::format("pgoutput message: '{}' where a new tuple ('N') belongs", tuple_kind));
    read_tuple(in, rel, new_tuple_);
  } else if (old_kind == 0) {
    throw DecodeError("pgoutput message: a delete without its old key");
  }

  Output& out = next_output(static_cast<sdk::Action>(action));
  DecodedChange& change = out.change;
  set_transaction(change);
  change.schema_ = rel.schema;
  change.table_ = rel.table;
  change.primary_key_.assign(rel.key_columns.begin(), rel.key_columns.end());
  value_spans_.clear();
  special_values_.clear();
  if (action != 'D') add_columns(out, rel, new_tuple_, false, change.columns_);
  if (action != 'I') {
    // As wal2json: the old row's identity when the server sent one, else the new row's.
    if (old_kind != 0) {
      add_columns(out, rel, old_tuple_, old_kind == 'K', change.identity_);
    } else {
      add_columns(out, rel, new_tuple_, true, change.identity_);
    }
  }
  point_values(out);
  set_column_details(out, rel);
  out.relation = &rel;
  out.transaction = &transaction_;
  out.with_columns = action != 'D';
  out.with_identity = action != 'I';
  out.with_pk = true;
  change.json_writer_ = &out;
}

void Decoder::on_truncate(Reader& in) {
  const std::int32_t count = in.i32();
  in.u8();  // CASCADE / RESTART IDENTITY: wal2json does not show them
  for (std::int32_t i = 0; i < count; ++i) {
    const Relation& rel = relation(static_cast<std::uint32_t>(in.i32()));
    Output& out = next_output(sdk::Action::Truncate);
    set_transaction(out.change);
    out.change.schema_ = rel.schema;
    out.change.table_ = rel.table;
    out.relation = &rel;
    out.transaction = &transaction_;
    out.change.json_writer_ = &out;
  }
}

void Decoder::on_message(Reader& in) {
  const bool transactional = (in.u8() & 1) != 0;
  in.i64();  // the message's LSN, which is the XLogData's too
  const std::string_view prefix = in.cstring();
  const std::int32_t size = in.i32();
  if (size < 0) throw DecodeError("pgoutput message: negative content length");
  std::string_view content = in.bytes(static_cast<std::size_t>(size));
  // wal2json copies the content into a C string: it ends at the first NUL byte.
  content = content.substr(0, std::min(content.size(), content.find('\0')));
  Output& out = next_output(sdk::Action::Message);
  std::string& text = out.text;
  text += R"({"action":"M")";
  text += transactional ? std::string_view(transaction_) : std::string_view(R"(,"xid":null,"timestamp":null)");
  text += transactional ? R"(,"transactional":true,"prefix":)" : R"(,"transactional":false,"prefix":)";
  const std::size_t prefix_at = text.size();
  append_json_string(text, prefix);
  const std::size_t prefix_end = text.size();
  text += R"(,"content":)";
  const std::size_t content_at = text.size();
  append_json_string(text, content);
  const std::size_t content_end = text.size();
  text += '}';
  DecodedChange& change = out.change;
  change.json_ = text;
  if (transactional) {
    set_transaction(change);
  } else {
    change.xid_ = change.timestamp_ = sdk::Value("null");
  }
  change.transactional_ = transactional;
  change.prefix_ = sdk::Value(change.json_.substr(prefix_at, prefix_end - prefix_at));
  change.content_ = sdk::Value(change.json_.substr(content_at, content_end - content_at));
}

std::string format_commit_time(std::int64_t postgres_us, std::int32_t utc_offset) {
  using namespace std::chrono;
  const std::int64_t local_us = postgres_us + static_cast<std::int64_t>(utc_offset) * 1'000'000 +
                                postgres_epoch_unix * 1'000'000;
  const std::int64_t day = floor_div(local_us, 86'400'000'000);
  std::int64_t in_day = local_us - day * 86'400'000'000;
  const year_month_day date{sys_days{days{day}}};
  const std::int64_t fraction = in_day % 1'000'000;
  in_day /= 1'000'000;
  std::string text = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", static_cast<int>(date.year()),
                                 static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), in_day / 3600,
                                 in_day / 60 % 60, in_day % 60);
  if (fraction != 0) {
    std::string digits = fmt::format("{:06}", fraction);
    digits.erase(digits.find_last_not_of('0') + 1);
    text += '.';
    text += digits;
  }
  // EncodeTimezone(): +HH, +HH:MM, +HH:MM:SS as needed.
  const int east = utc_offset;
  const int magnitude = east < 0 ? -east : east;
  text += east < 0 ? '-' : '+';
  const int hours = magnitude / 3600, minutes = magnitude / 60 % 60, seconds = magnitude % 60;
  if (seconds != 0) {
    text += fmt::format("{:02}:{:02}:{:02}", hours, minutes, seconds);
  } else if (minutes != 0) {
    text += fmt::format("{:02}:{:02}", hours, minutes);
  } else {
    text += fmt::format("{:02}", hours);
  }
  return text;
}

}  // namespace popyka::decode::pgoutput
