#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "decode/decoded_change.hpp"
#include "decode/wal2json_format.hpp"

namespace popyka::decode::pgoutput {

// A message that is not pgoutput's logical replication protocol (version 1, plus the logical
// decoding messages of PostgreSQL 14+), or one about a relation no Relation message described.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A type as pgoutput's Type message names it (sent before the first Relation message that uses
// a type outside the built-in ones). For a domain PostgreSQL 15 sends its base type's name.
struct SentTypeName {
  std::string schema;  // pg_catalog when the protocol sends ""
  std::string name;
};

// A column as a Relation message describes it.
struct RelationColumn {
  std::string name;
  std::uint32_t type_oid = 0;
  std::int32_t typmod = -1;
  bool replica_identity = false;  // part of the replica identity (flag 1)
  const SentTypeName* sent_type = nullptr;  // what a Type message said of type_oid, if one did
};

// What the decoder asks the database (an ordinary connection, see pgoutput_catalog.hpp).
class Catalog {
 public:
  struct Description {
    // format_type(type_oid, typmod) of each column, in order; for a type dropped since the
    // change, the name its Type message gave.
    std::vector<std::string> type_names;
    std::vector<std::string> primary_key;  // the primary key's column names (any order); empty: none
    // Per column, in order, as of now (the catalog's, not the change's); empty: not known.
    std::vector<bool> not_null;               // pg_attribute.attnotnull
    std::vector<std::string> enum_labels;     // an enum's (or its arrays') labels, comma-separated; "" for other types
    // Per column, in order, as of now too; empty: not known.
    std::vector<std::string> base_types;           // a domain's base type, as format_type() writes it; "" for other types
    std::vector<std::string> default_expressions;  // pg_get_expr() of the default; "" for none
  };
  // Asked once per Relation message (so an ALTER TABLE mid-stream is seen). The primary key only
  // when `with_primary_key`: the Relation message says it itself under the default replica
  // identity, as of the change; the catalog can only say it as of now.
  virtual Description describe(std::uint32_t relation_oid, const std::vector<RelationColumn>& columns,
                               bool with_primary_key) = 0;
  // Seconds east of UTC of the walsender's TimeZone at `unix_seconds` (to print commit times
  // exactly as wal2json's timestamptz_to_str does).
  virtual std::int32_t utc_offset(std::int64_t unix_seconds) = 0;

 protected:
  ~Catalog() = default;
};

// Turns pgoutput's binary messages into the changes wal2json 2.5 would have sent with the options
// popyka-host sets (include-xids, include-timestamp, include-pk): same actions, fields, type
// names and value formatting. The values are written as wal2json writes them (the change's
// Values are JSON text); the whole message, json(), only when asked for (DecodedChange).
// Relation metadata is cached by relation OID and replaced by each new Relation message. `pk` is
// the Relation message's replica identity columns under the default replica identity (the
// primary key as of the change, like wal2json's); the catalog's primary key otherwise.
//
// Unchanged TOASTed values ('u' in TupleData) are left out of `columns` and `identity`, as
// wal2json leaves them out; with REPLICA IDENTITY FULL the old tuple carries every value.
class Decoder {
 public:
  explicit Decoder(Catalog& catalog);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // The changes of one pgoutput message at `lsn`: none (Relation, Type, Origin), one, or one
  // per table (Truncate). Valid until the next decode(). Throws DecodeError; what the catalog
  // throws.
  std::span<DecodedChange* const> decode(std::string_view message, sdk::Lsn lsn);

 private:
  struct Column {
    std::string name, type;  // as the wal2json decoder reads them from `head`
    std::string head;        // {"name":..,"type":..,"value":   (no leading comma)
    Wal2JsonValue kind;
    bool replica_identity;
    bool in_primary_key;
    bool not_null = false;
    std::string enum_labels;
    std::string base_type, default_expression;
  };
  struct Relation {
    std::string schema, table;
    std::string schema_and_table;  // ,"schema":..,"table":..
    std::string primary_key;       // ,"pk":[...]
    std::vector<Column> columns;
    std::vector<sdk::Column> key_columns;  // primary_key(): views into `columns`
    std::vector<sdk::ColumnDetails> details;  // of each column, views into `columns`; empty: unknown
    std::vector<sdk::ColumnDefinition> definitions;  // likewise
    bool decodable = true;  // false: a type name written as JSON wal2json's decoder refuses
  };
  struct Value {
    char kind;  // 'n' null, 'u' unchanged TOAST, 't' text
    std::string_view text;
  };
  class Reader;
  class Output;

  Output& next_output(sdk::Action action);
  void on_begin(Reader& in);
  // B (after on_begin() read it) and C: `{"action":..,"xid":..,"timestamp":..}`.
  void on_transaction_edge(sdk::Action action);
  void on_relation(Reader& in);
  void on_type(Reader& in);
  void on_change(char action, Reader& in);
  void on_truncate(Reader& in);
  void on_message(Reader& in);
  const Relation& relation(std::uint32_t oid) const;
  void read_tuple(Reader& in, const Relation& relation, std::vector<Value>& out);
  void set_transaction(DecodedChange& change) const;
  // Appends the values of `values` (the replica identity's only when `key_only`) to `output` and
  // their columns to `out`, their values still to be pointed at (point_values()).
  void add_columns(Output& output, const Relation& relation, const std::vector<Value>& values, bool key_only,
                   std::vector<sdk::Column>& out);
  // Points the columns' values into the text, and gives the change its special numbers.
  void point_values(Output& output);
  // column_details() and column_definitions() of the row change `output` holds, parallel to its columns().
  void set_column_details(Output& output, const Relation& relation);

  Catalog& catalog_;
  std::unordered_map<std::uint32_t, Relation> relations_;
  std::unordered_map<std::uint32_t, SentTypeName> sent_types_;  // from Type messages, by type OID
  std::string xid_, timestamp_;  // of the open transaction, as JSON
  std::string transaction_;      // ,"xid":..,"timestamp":".."
  std::unordered_map<std::int64_t, std::int32_t> utc_offsets_;  // by 15-minute bucket
  std::vector<Value> new_tuple_, old_tuple_;
  std::vector<std::unique_ptr<Output>> outputs_;  // reused: they keep their capacity
  std::vector<DecodedChange*> changes_;
  std::vector<ValueSpan> value_spans_;  // of the change at hand, in add_columns() order
  std::vector<SpecialValue> special_values_;  // of those, the special numbers
  sdk::Lsn lsn_ = 0;
};

// A commit time (microseconds since 2000-01-01 UTC) as timestamptz_to_str() prints it in a zone
// `utc_offset` seconds east of UTC: `2024-01-02 03:04:05.5+00`.
std::string format_commit_time(std::int64_t postgres_us, std::int32_t utc_offset);

}  // namespace popyka::decode::pgoutput
