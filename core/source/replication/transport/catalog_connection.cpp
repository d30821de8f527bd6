#include "source/replication/transport/catalog_connection.hpp"

#include <fmt/format.h>

#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {

CatalogConnection::CatalogConnection(std::string connect_url, std::string time_zone, std::string what_for)
    : connect_url_(std::move(connect_url)), time_zone_(std::move(time_zone)), what_for_(std::move(what_for)) {}

CatalogConnection::~CatalogConnection() = default;

ReplicationConnection& CatalogConnection::connection() {
  if (!connection_) {
    try {
      auto connection = std::make_unique<ReplicationConnection>(connect_url_, /*replication=*/false);
      connection->execute("SET statement_timeout = '30s'");
      if (!time_zone_.empty())
        connection->execute("SELECT set_config('TimeZone', " + connection->quote_literal(time_zone_) + ", false)");
      connection_ = std::move(connection);
    } catch (const ServerError& e) {
      throw ReplicationError(fmt::format("{}: {}", what_for_, e.what()));
    }
  }
  return *connection_;
}

QueryResult CatalogConnection::query(const std::string& sql) {
  try {
    return connection().execute(sql);
  } catch (const ConnectionLost&) {
    connection_.reset();
    throw;
  } catch (const ServerError& e) {
    connection_.reset();
    throw ReplicationError(fmt::format("{}: {}", what_for_, e.what()));
  }
}

std::string CatalogConnection::quote_literal(std::string_view text) { return connection().quote_literal(text); }

}  // namespace popyka::source::replication
