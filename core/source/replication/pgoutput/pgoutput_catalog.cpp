#include "source/replication/pgoutput/pgoutput_catalog.hpp"

#include <fmt/format.h>

#include "source/replication/replication_stream.hpp"

namespace popyka::source::replication::pgoutput {

DatabaseCatalog::DatabaseCatalog(std::string connect_url, std::string time_zone)
    : connect_url_(std::move(connect_url)), time_zone_(std::move(time_zone)) {}

DatabaseCatalog::~DatabaseCatalog() = default;

QueryResult DatabaseCatalog::query(const std::string& sql) {
  try {
    if (!connection_) {
      auto connection = std::make_unique<ReplicationConnection>(connect_url_, /*replication=*/false);
      connection->execute("SET statement_timeout = '30s'");
      connection->execute("SELECT set_config('TimeZone', " + connection->quote_literal(time_zone_) + ", false)");
      connection_ = std::move(connection);
    }
    return connection_->execute(sql);
  } catch (const ConnectionLost&) {
    connection_.reset();
    throw;
  } catch (const ServerError& e) {
    connection_.reset();
    throw ReplicationError(fmt::format("pgoutput: cannot read the catalog to decode changes: {}", e.what()));
  }
}

Catalog::Description DatabaseCatalog::describe(std::uint32_t relation_oid, const std::vector<RelationColumn>& columns) {
  // The types come from the Relation message (the table as it was when the change was made);
  // the primary key from the catalog as it is now (pgoutput does not send it).
  std::string oids, typmods;
  for (const auto& column : columns) {
    oids += fmt::format("{}{}", oids.empty() ? "" : ",", column.type_oid);
    typmods += fmt::format("{}{}", typmods.empty() ? "" : ",", column.typmod);
  }
  auto result = query(fmt::format(
      "SELECT 0, x.o::int, format_type(x.t, x.m) FROM unnest('{{{}}}'::oid[], '{{{}}}'::int4[]) WITH ORDINALITY AS x(t, m, o) "
      "UNION ALL SELECT 1, a.attnum::int, a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
      "AND a.attnum = ANY (i.indkey) WHERE i.indrelid = {} AND i.indisprimary ORDER BY 1, 2",
      oids, typmods, relation_oid));
  Description description;
  for (int row = 0; row < result.rows(); ++row) {
    auto& list = result.value(row, 0) == "0" ? description.type_names : description.primary_key;
    list.emplace_back(result.value(row, 2));
  }
  return description;
}

std::int32_t DatabaseCatalog::utc_offset(std::int64_t unix_seconds) {
  auto result = query(fmt::format("SELECT extract(timezone FROM to_timestamp({}))::int", unix_seconds));
  return static_cast<std::int32_t>(std::stol(std::string(result.value(0, 0))));
}

}  // namespace popyka::source::replication::pgoutput
