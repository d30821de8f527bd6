#include "source/replication/output_plugin/pgoutput/pgoutput_catalog.hpp"

#include <fmt/format.h>

#include "source/replication/column_definition_sql.hpp"
#include "source/replication/enum_labels_sql.hpp"

namespace popyka::source::replication::pgoutput {

DatabaseCatalog::DatabaseCatalog(std::string connect_url, std::string time_zone)
    : catalog_(std::move(connect_url), std::move(time_zone), "pgoutput: cannot read the catalog to decode changes") {}

DatabaseCatalog::~DatabaseCatalog() = default;

Catalog::Description DatabaseCatalog::describe(std::uint32_t relation_oid, const std::vector<RelationColumn>& columns,
                                               bool with_primary_key) {
  // The types come from the Relation message (the table as it was when the change was made). A
  // type dropped since has no format_type() any more: then the name its Type message gave,
  // formatted like format_type() when that name still means a type (a domain's base type), else
  // as it is, schema-qualified outside pg_catalog and public.
  std::string oids, typmods, schemas, names, column_names;
  for (const auto& column : columns) {
    const char* separator = oids.empty() ? "" : ",";
    oids += fmt::format("{}{}", separator, column.type_oid);
    column_names += separator + catalog_.quote_literal(column.name);
    typmods += fmt::format("{}{}", separator, column.typmod);
    schemas += separator + (column.sent_type ? catalog_.quote_literal(column.sent_type->schema) : "NULL");
    names += separator + (column.sent_type ? catalog_.quote_literal(column.sent_type->name) : "NULL");
  }
  // Also each column's NOT NULL, for an enum or an array of one its labels in their order
  // (Debezium's schemas say both), its domain's base type and its default, as the catalog has
  // them now (a column dropped since has none of them).
  std::string sql = fmt::format(
      "SELECT 0, x.o::int, coalesce((SELECT format_type(t.oid, x.m) FROM pg_type t WHERE t.oid = x.t), "
      "format_type(to_regtype(quote_ident(x.s) || '.' || quote_ident(x.n)), x.m), "
      "CASE WHEN x.s IN ('pg_catalog', 'public') THEN '' ELSE quote_ident(x.s) || '.' END || quote_ident(x.n), '\?\?\?'), "
      "coalesce(a.attnotnull, false), {}, {} "
      "FROM unnest(ARRAY[{}]::oid[], ARRAY[{}]::int4[], ARRAY[{}]::text[], ARRAY[{}]::text[], ARRAY[{}]::text[]) "
      "WITH ORDINALITY AS x(t, m, s, n, c, o) "
      "LEFT JOIN pg_attribute a ON a.attrelid = {} AND a.attname = x.c AND a.attnum > 0 AND NOT a.attisdropped",
      enum_labels_sql("x.t"), column_definition_sql("x.t", "a"), oids, typmods, schemas, names, column_names,
      relation_oid);
  // The catalog's primary key is today's, not the change's: only where the stream cannot say.
  if (with_primary_key) {
    sql += fmt::format(
        " UNION ALL SELECT 1, a.attnum::int, a.attname::text, false, '', '', '' FROM pg_index i JOIN pg_attribute a "
        "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = {} AND i.indisprimary",
        relation_oid);
  }
  auto result = catalog_.query(sql + " ORDER BY 1, 2");
  Description description;
  for (int row = 0; row < result.rows(); ++row) {
    const bool column = result.value(row, 0) == "0";
    (column ? description.type_names : description.primary_key).emplace_back(result.value(row, 2));
    if (!column) continue;
    description.not_null.push_back(result.value(row, 3) == "t");
    description.enum_labels.emplace_back(result.value(row, 4));
    description.base_types.emplace_back(result.value(row, 5));
    description.default_expressions.emplace_back(result.value(row, 6));
  }
  return description;
}

std::int32_t DatabaseCatalog::utc_offset(std::int64_t unix_seconds) {
  auto result = catalog_.query(fmt::format("SELECT extract(timezone FROM to_timestamp({}))::int", unix_seconds));
  return static_cast<std::int32_t>(std::stol(std::string(result.value(0, 0))));
}

}  // namespace popyka::source::replication::pgoutput
