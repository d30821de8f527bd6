#pragma once
#include <fmt/format.h>

#include <string>
#include <string_view>

namespace popyka::source::replication {

// An SQL expression for the labels of the enum a column of type `type_oid` (an SQL expression)
// holds, comma-separated in pg_enum.enumsortorder; '' for other types. An array of an enum has its
// element's labels (Debezium's schema for it is an array of io.debezium.data.Enum), and a domain
// over an enum (through domains over domains) the enum's (Debezium maps a domain as its base type).
// Shared by the catalog readers that fill sdk::ColumnDetails: the snapshot's plan, pgoutput's
// decoder and wal2json's column details.
inline std::string enum_labels_sql(std::string_view type_oid) {
  // The type, its domains' base types and an array's element: only an enum has pg_enum rows, so
  // the others never match.
  return fmt::format(
      "coalesce((WITH RECURSIVE d(oid) AS (SELECT ({0})::oid UNION ALL SELECT t.typbasetype FROM d JOIN pg_type t "
      "ON t.oid = d.oid AND t.typtype = 'd') SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e "
      "WHERE e.enumtypid IN (SELECT oid FROM d UNION ALL SELECT t.typelem FROM pg_type t WHERE t.oid = {0})), '')",
      type_oid);
}

}  // namespace popyka::source::replication
