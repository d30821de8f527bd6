#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "popyka/sdk/value.hpp"
#include "popyka/sdk/visibility.hpp"

namespace popyka::sdk {
inline namespace v1 {

// The kind of a wal2json format-version 2 message, by its `action` letter.
enum class Action : char {
  Begin = 'B',
  Commit = 'C',
  Insert = 'I',
  Update = 'U',
  Delete = 'D',
  Truncate = 'T',
  Message = 'M',  // pg_logical_emit_message()
  // A row of the initial snapshot (`database.snapshot: initial`), shaped like an insert: schema,
  // table, columns (with wal2json's type names and value formatting) and pk. Its lsn() is the
  // slot's consistent point; no xid or timestamp. Not a wal2json action: the host makes these.
  Read = 'R',
};

// One column of a row change: `{"name":..., "type":..., "value":...}`. In primary_key() the
// value is absent (wal2json's `pk` lists names and types only).
// LIFETIME: a view into the Change it came from; valid as long as that Change.
struct Column {
  std::string_view name;
  std::string_view type;  // as PostgreSQL's format_type() writes it: `character varying`, `numeric(10,2)`
  Value value;
};

// A position in the WAL, as PostgreSQL's pg_lsn (`16/B374D848` is 0x16B374D848).
using Lsn = std::uint64_t;

// "X/X" text of an LSN, as PostgreSQL prints it.
inline std::string format_lsn(Lsn lsn) {
  char buf[20];
  auto hex = [](char* at, std::uint32_t v) {
    char digits[8];
    int n = 0;
    do { digits[n++] = "0123456789ABCDEF"[v & 0xF]; v >>= 4; } while (v != 0);
    while (n > 0) *at++ = digits[--n];
    return at;
  };
  char* end = hex(buf, static_cast<std::uint32_t>(lsn >> 32));
  *end++ = '/';
  end = hex(end, static_cast<std::uint32_t>(lsn));
  return std::string(buf, end);
}

// A read-only view of one change: one wal2json format-version 2 message.
//
// LIFETIME: valid only during the call it is passed to. Every string_view, span and Value it
// hands out points into the host's receive buffer; copy what you need to keep (json() is the
// whole message, ready to store or forward).
// THREADING: read it on the thread that passed it to you.
class POPYKA_SDK_VISIBLE Change {
 public:
  virtual Action action() const noexcept = 0;
  // `schema` and `table`; empty for B, C and M.
  virtual std::string_view schema() const noexcept = 0;
  virtual std::string_view table() const noexcept = 0;
  // `columns` (I, U, R) and `identity` (U, D: the replica-identity columns); empty when absent.
  virtual std::span<const Column> columns() const noexcept = 0;
  virtual std::span<const Column> identity() const noexcept = 0;
  // `pk` (with wal2json's include-pk): the primary key's names and types; empty when absent.
  virtual std::span<const Column> primary_key() const noexcept = 0;
  // The message's WAL position: from the replication stream's XLogData header, or the `lsn`
  // field when replaying a file. 0 when unknown.
  virtual Lsn lsn() const noexcept = 0;
  // `xid` and `timestamp` (with include-xids / include-timestamp); absent values are not present.
  virtual Value xid() const noexcept = 0;
  virtual Value timestamp() const noexcept = 0;
  // For action M: `prefix`, `content` and `transactional`.
  virtual Value message_prefix() const noexcept = 0;
  virtual Value message_content() const noexcept = 0;
  virtual bool transactional() const noexcept = 0;
  // The whole message as wal2json (format-version 2) writes it, byte for byte: with wal2json the
  // text received; with pgoutput, and for the initial snapshot's rows, the text wal2json would have
  // sent, written by the host on the first call (a filter that never calls it never pays for it).
  // With unchanged_toast: from_identity, an update's unchanged TOASTed values filled in.
  virtual std::string_view json() const noexcept = 0;

  // The value of a column of `columns()` (or, when absent there, of `identity()`) by name.
  const Column* find_column(std::string_view name) const noexcept {
    for (const Column& c : columns())
      if (c.name == name) return &c;
    for (const Column& c : identity())
      if (c.name == name) return &c;
    return nullptr;
  }

 protected:
  ~Change() = default;
};

}  // namespace v1
}  // namespace popyka::sdk
