#pragma once
#include <string_view>

namespace popyka::kafka::debezium {

// What a column's value is, for Debezium's type mapping: read from the type name wal2json gives
// (PostgreSQL's format_type(): `numeric(10,2)`, `time(3) without time zone`, `text[]`).
struct PgType {
  enum class Kind {
    Int16, Int32, Int64, Float32, Float64, Boolean,
    Text,        // every type Debezium sends as its text, with no schema name (varchar, inet, ranges, enums, ...)
    Json, Xml, Uuid, Ltree, TsVector, Hstore,
    Vector, HalfVector, SparseVector,  // pgvector's vector, halfvec, sparsevec (Debezium 3.0 on)
    Bytea, Bit,  // bit(1) is a boolean, wider bit strings are io.debezium.data.Bits
    Numeric, Money,
    Date, Time, TimeTz, Timestamp, TimestampTz, Interval,
    Point,
  };
  Kind kind = Kind::Text;
  int precision = -1;  // numeric(p,s): p; time/timestamp(p): p; bit(n): n; -1 when the type has none
  int scale = -1;      // numeric(p,s): s; -1 when the type has none (a variable-scale numeric)
  bool array = false;  // `...[]`: a JSON array of the element type

  bool operator==(const PgType&) const = default;
};

// Types this mapping does not know (enums, domains, composites, extension types) are Text: their
// text as wal2json gives it.
PgType parse_pg_type(std::string_view name);

}  // namespace popyka::kafka::debezium
