#pragma once
#include <cstddef>
#include <span>
#include <string_view>

#include "popyka/sdk/change.hpp"
#include "popyka/sdk/value.hpp"
#include "popyka/sdk/visibility.hpp"

namespace popyka::sdk {
inline namespace v1 {

// What the catalog says of a column of a table, beyond wal2json's name, type and value.
// FROZEN once released, as Column (a new fact is a new type, see abi.hpp).
struct ColumnDetails {
  bool not_null = false;          // pg_attribute.attnotnull
  std::string_view enum_labels;   // an enum's labels (an enum array's: its element's) in pg_enum.enumsortorder, comma-separated; empty: neither
};

// Which snapshot read an R row.
enum class SnapshotOrigin : unsigned char {
  none,         // not a snapshot row (every action but R)
  initial,      // database.snapshot: initial, before streaming
  incremental,  // a snapshot taken while streaming
};

// Where an R row stands in its snapshot (Debezium's source.snapshot markers), the first that
// holds in this order: last, first, last_in_table, first_in_table, middle.
enum class SnapshotPosition : unsigned char {
  none,            // not a snapshot row, or the host does not say
  first,           // the snapshot's first row
  middle,          // any other
  last,            // the snapshot's last row (the only row of a one-row snapshot is `last`)
  first_in_table,  // the first row of its table handed on (tables may interleave with parallel readers)
  last_in_table,   // the last row of its table handed on
};

// Facts about a change that Change does not carry, added after SDK 1.0 as an interface of its own
// (Change stays as 1.0 froze it). The host's changes implement it; find it with
//
//   if (const auto* details = sdk::details_of(change)) ...
//
// A host from before it hands changes without it (details_of() is null): treat every fact as
// absent then.
// LIFETIME and THREADING: those of the Change it came from (the same object).
class POPYKA_SDK_VISIBLE ChangeDetails {
 public:
  // One entry per columns() entry, in the same order, as the catalog says now (not as of the
  // change; with wal2json, whose stream does not carry them, read from the catalog on the first
  // call); empty when the host does not know: for a table it cannot read in the catalog, for
  // actions without columns, and with pgoutput for an update whose unchanged TOASTed values the
  // host filled in (database.unchanged_toast: from_identity).
  virtual std::span<const ColumnDetails> column_details() const noexcept = 0;
  virtual SnapshotOrigin snapshot_origin() const noexcept = 0;
  virtual SnapshotPosition snapshot_position() const noexcept = 0;
  // An R row's snapshot transaction: txid_current() in the transaction that read it (64 bits,
  // with the epoch, as PostgreSQL's txid functions give it); absent when unknown.
  virtual Value snapshot_xid() const noexcept = 0;

 protected:
  ~ChangeDetails() = default;
};

// The details of `change`, or null when its host does not give them.
inline const ChangeDetails* details_of(const Change& change) noexcept {
  return dynamic_cast<const ChangeDetails*>(&change);
}

// A number PostgreSQL has and JSON does not. wal2json writes null for it (a real, double
// precision or numeric NaN, Infinity or -Infinity), and so does the host in every Value.
enum class SpecialNumber : unsigned char {
  none,               // not one (an ordinary value, a SQL NULL, another type)
  nan,                // NaN
  infinity,           // Infinity
  negative_infinity,  // -Infinity
};

// Which special number a null value stands for, added after ChangeDetails as an interface of
// its own (ChangeDetails stays as released). The host's changes implement it; find it with
//
//   if (const auto* specials = sdk::special_numbers_of(change)) ...
//
// A host from before it hands changes without it (special_numbers_of() is null): every null is
// then a SQL NULL as far as the plugin can tell.
// LIFETIME and THREADING: those of the Change it came from (the same object).
class POPYKA_SDK_VISIBLE SpecialNumbers {
 public:
  // One entry per columns() (in_columns) or identity() (in_identity) entry, in the same order;
  // empty when none of them is special (the common case) or the host cannot know: with
  // wal2json, whose stream has only the null.
  virtual std::span<const SpecialNumber> in_columns() const noexcept = 0;
  virtual std::span<const SpecialNumber> in_identity() const noexcept = 0;

 protected:
  ~SpecialNumbers() = default;
};

// The special numbers of `change`, or null when its host does not give them.
inline const SpecialNumbers* special_numbers_of(const Change& change) noexcept {
  return dynamic_cast<const SpecialNumbers*>(&change);
}

// The special number of the value at `index` of `specials` (in_columns() or in_identity()).
inline SpecialNumber special_number_at(std::span<const SpecialNumber> specials, std::size_t index) noexcept {
  return index < specials.size() ? specials[index] : SpecialNumber::none;
}

// How the catalog defines a column, beyond its type's name: added after SpecialNumbers, as a type
// of its own. FROZEN once released, as Column.
struct ColumnDefinition {
  // A domain's base type (through domains over domains), as format_type() writes it with the
  // domain's type modifier: "integer", "bit(3)", "timestamp(3) without time zone". Empty: the
  // column's type is not a domain (its name in Column::type is all there is).
  std::string_view base_type;
  // The column's default as pg_get_expr(adbin, adrelid) writes it: "0", "'abc'::text",
  // "nextval('t_id_seq'::regclass)", "now()". Empty: no default (a generated column has none).
  std::string_view default_expression;
};

// The definitions of a change's columns, as an interface of its own (ChangeDetails stays as
// released). The host's changes implement it; find it with
//
//   if (const auto* definitions = sdk::column_definitions_of(change)) ...
//
// A host from before it hands changes without it (column_definitions_of() is null).
// LIFETIME and THREADING: those of the Change it came from (the same object).
class POPYKA_SDK_VISIBLE ColumnDefinitions {
 public:
  // One entry per columns() entry, in the same order, when ChangeDetails::column_details() has
  // them too (the same catalog read, as the catalog says now); empty when it is empty.
  virtual std::span<const ColumnDefinition> column_definitions() const noexcept = 0;

 protected:
  ~ColumnDefinitions() = default;
};

// The column definitions of `change`, or null when its host does not give them.
inline const ColumnDefinitions* column_definitions_of(const Change& change) noexcept {
  return dynamic_cast<const ColumnDefinitions*>(&change);
}

}  // namespace v1
}  // namespace popyka::sdk
