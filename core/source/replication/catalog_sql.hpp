#pragma once
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace popyka::source::replication {

// SQL giving an enum type's labels in their order, comma-separated (Debezium's `allowed`), or ''
// for any other type; `type_oid` is the SQL of the type's oid (`a.atttypid`).
inline std::string enum_labels_sql(std::string_view type_oid) {
  return fmt::format(
      "coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = {}), '')",
      type_oid);
}

}  // namespace popyka::source::replication
