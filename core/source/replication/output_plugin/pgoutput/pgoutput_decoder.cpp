#include "source/replication/output_plugin/pgoutput/pgoutput_decoder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <optional>

#include "source/replication/output_plugin/wal2json_format.hpp"

namespace popyka::source::replication::pgoutput {
namespace {

// Seconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
constexpr std::int64_t postgres_epoch_unix = 946'684'800;
// Commit times are printed with the zone's offset at that time; the offset is asked once per
// quarter of an hour (zones change offset on such boundaries).
constexpr std::int64_t offset_bucket_s = 900;

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

std::string& Decoder::next_message() {
  if (count_ == messages_.size()) messages_.emplace_back();
  std::string& message = messages_[count_++];
  message.clear();
  return message;
}

std::span<const std::string> Decoder::decode(std::string_view message) {
  count_ = 0;
  if (message.empty()) throw DecodeError("pgoutput message: empty");
  Reader in(message.substr(1));
  switch (message[0]) {
    case 'B': on_begin(in); break;
    case 'C': {
      std::string& out = next_message();
      out += R"({"action":"C")";
      out += transaction_;
      out += '}';
      break;
    }
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
  return {messages_.data(), count_};
}

void Decoder::on_begin(Reader& in) {
  in.i64();  // final LSN
  const std::int64_t commit_us = in.i64();
  const auto xid = static_cast<std::uint32_t>(in.i32());
  const std::int64_t unix_s = floor_div(commit_us, 1'000'000) + postgres_epoch_unix;
  const std::int64_t bucket = floor_div(unix_s, offset_bucket_s);
  auto offset = utc_offsets_.find(bucket);
  if (offset == utc_offsets_.end()) {
    if (utc_offsets_.size() > 1024) utc_offsets_.clear();
    offset = utc_offsets_.emplace(bucket, catalog_.utc_offset(bucket * offset_bucket_s)).first;
  }
  transaction_ = fmt::format(R"(,"xid":{},"timestamp":"{}")", xid, format_commit_time(commit_us, offset->second));
  std::string& out = next_message();
  out += R"({"action":"B")";
  out += transaction_;
  out += '}';
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
  relation.schema_and_table = R"(,"schema":)";
  append_json_string(relation.schema_and_table, schema);
  relation.schema_and_table += R"(,"table":)";
  append_json_string(relation.schema_and_table, table);
  relation.primary_key = R"(,"pk":[)";
  bool first_key = true;
  for (std::size_t i = 0; i < described.size(); ++i) {
    Column column;
    column.head = R"({"name":)";
    append_json_string(column.head, described[i].name);
    column.head += R"(,"type":)";
    append_wal2json_type(column.head, description.type_names[i]);
    column.head += R"(,"value":)";
    column.type_oid = described[i].type_oid;
    column.replica_identity = described[i].replica_identity;
    relation.columns.push_back(std::move(column));
    // wal2json lists the key's columns in the table's column order.
    const bool in_primary_key =
        identity_is_primary_key ? described[i].replica_identity
                                : std::find(description.primary_key.begin(), description.primary_key.end(),
                                            described[i].name) != description.primary_key.end();
    if (in_primary_key) {
      relation.primary_key += first_key ? R"({"name":)" : R"(,{"name":)";
      first_key = false;
      append_json_string(relation.primary_key, described[i].name);
      relation.primary_key += R"(,"type":)";
      append_wal2json_type(relation.primary_key, description.type_names[i]);
      relation.primary_key += '}';
    }
  }
  relation.primary_key += ']';
  relations_.insert_or_assign(oid, std::move(relation));
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

void Decoder::start_change(std::string& out, char action, const Relation& relation) const {
  out += R"({"action":")";
  out += action;
  out += '"';
  out += transaction_;
  out += relation.schema_and_table;
}

void Decoder::append_columns(std::string& out, std::string_view field, const Relation& relation,
                             const std::vector<Value>& values, bool key_only) const {
  out += ",\"";
  out += field;
  out += "\":[";
  bool first = true;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Column& column = relation.columns[i];
    // Unchanged TOAST: wal2json skips the column ("does not need to be output").
    if (values[i].kind == 'u' || (key_only && !column.replica_identity)) continue;
    if (!first) out += ',';
    first = false;
    out += column.head;
    append_wal2json_value(out, column.type_oid,
                          values[i].kind == 'n' ? std::nullopt : std::optional<std::string_view>(values[i].text));
    out += '}';
  }
  out += ']';
}

void Decoder::on_change(char action, Reader& in) {
  const Relation& rel = relation(static_cast<std::uint32_t>(in.i32()));
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

  std::string& out = next_message();
  start_change(out, action, rel);
  if (action != 'D') append_columns(out, "columns", rel, new_tuple_, false);
  if (action != 'I') {
    // As wal2json: the old row's identity when the server sent one, else the new row's.
    if (old_kind != 0) {
      append_columns(out, "identity", rel, old_tuple_, old_kind == 'K');
    } else {
      append_columns(out, "identity", rel, new_tuple_, true);
    }
  }
  out += rel.primary_key;
  out += '}';
}

void Decoder::on_truncate(Reader& in) {
  const std::int32_t count = in.i32();
  in.u8();  // CASCADE / RESTART IDENTITY: wal2json does not show them
  for (std::int32_t i = 0; i < count; ++i) {
    const Relation& rel = relation(static_cast<std::uint32_t>(in.i32()));
    std::string& out = next_message();
    start_change(out, 'T', rel);
    out += '}';
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
  std::string& out = next_message();
  out += R"({"action":"M")";
  out += transactional ? std::string_view(transaction_) : std::string_view(R"(,"xid":null,"timestamp":null)");
  out += transactional ? R"(,"transactional":true,"prefix":)" : R"(,"transactional":false,"prefix":)";
  append_json_string(out, prefix);
  out += R"(,"content":)";
  append_json_string(out, content);
  out += '}';
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

}  // namespace popyka::source::replication::pgoutput
