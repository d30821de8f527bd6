#pragma once
#include <fmt/format.h>

#include <string>
#include <string_view>

namespace popyka::source::replication {

// Two SQL expressions, comma-separated, for sdk::ColumnDefinition of a column of type `type_oid`
// (an SQL expression) whose pg_attribute row is `attribute` (an alias; NULL when the column is
// gone): its domain's base type and its default, '' for none. Shared by the catalog readers that
// fill sdk::ColumnDefinitions: the snapshot's plan, pgoutput's decoder and wal2json's column details.
inline std::string column_definition_sql(std::string_view type_oid, std::string_view attribute) {
  // The base type as getBaseTypeAndTypmod() finds it: typbasetype through domains over domains,
  // the typmod the last domain's typtypmod. An array of a domain is not a domain itself: ''.
  // The default: none for a generated column (adbin is its generation expression then).
  return fmt::format(
      "coalesce((WITH RECURSIVE d(base, typmod, depth) AS (SELECT t.typbasetype, t.typtypmod, 1 FROM pg_type t "
      "WHERE t.oid = {0} AND t.typtype = 'd' UNION ALL SELECT t.typbasetype, t.typtypmod, d.depth + 1 FROM d JOIN "
      "pg_type t ON t.oid = d.base AND t.typtype = 'd') SELECT format_type(d.base, d.typmod) FROM d "
      "ORDER BY d.depth DESC LIMIT 1), ''), "
      "coalesce((SELECT pg_get_expr(ad.adbin, ad.adrelid) FROM pg_attrdef ad WHERE ad.adrelid = {1}.attrelid "
      "AND ad.adnum = {1}.attnum AND {1}.attgenerated = ''), '')",
      type_oid, attribute);
}

}  // namespace popyka::source::replication
