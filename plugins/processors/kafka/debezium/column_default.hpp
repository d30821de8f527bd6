#pragma once
#include <string>
#include <string_view>

#include "column_value.hpp"
#include "pg_type.hpp"
#include "table_shapes.hpp"

namespace popyka::kafka::debezium {

// A column's default in a Kafka Connect schema (`"default":`), as Debezium's
// PostgresDefaultValueConverter (3.6.1) derives it from the expression pg_get_expr() writes
// (sdk::ColumnDefinition::default_expression): the literal of `'abc'::text` or `42`, a
// placeholder for a function call (`nextval(...)` and `now()` are 0, the epoch, ...), nothing for
// what it cannot read. Written as JsonConverter writes a value of the column's schema.
struct ColumnDefaultInput {
  std::string_view type_name;   // as wal2json gives it: `integer`, `character varying(10)`, `mood`
  const PgType& type;           // the type the column's values are written as
  bool domain = false;          // the type is a domain (Debezium reads no default for one)
  std::string_view enum_labels;  // an enum's labels, empty: not an enum
  std::string_view expression;   // empty: no default
};

// The default's JSON into `out` (cleared first); false, with `out` empty, when Debezium gives
// the column no default.
bool derive_column_default(const ColumnDefaultInput& column, ColumnValueWriter& values, std::string& out);

// Each column's default_json and null_as_default (`replace_null_with_default`: JsonConverter's
// replace.null.with.default), then the key's; clears shape.defaults_pending. Once per shape change.
void derive_defaults(TableShape& shape, ColumnValueWriter& values, bool replace_null_with_default);

}  // namespace popyka::kafka::debezium
