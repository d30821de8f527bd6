#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "source/replication/transport/replication_connection.hpp"

namespace popyka::source::replication {

// An ordinary connection to the slot's database for questions to the catalog while the
// replication connection is busy streaming. Opened on first use, opened again after a failure.
class CatalogConnection {
 public:
  // `what_for`: the start of its errors (`pgoutput: cannot read the catalog to decode changes`);
  // `time_zone`: the session's TimeZone, when not empty.
  CatalogConnection(std::string connect_url, std::string time_zone, std::string what_for);
  ~CatalogConnection();

  // Throws ConnectionLost (the stream reconnects), ReplicationError `<what_for>: <the server's
  // error>` for an error the server answers.
  QueryResult query(const std::string& sql);
  // A SQL literal; opens the connection (libpq quotes for its server). Throws as query().
  std::string quote_literal(std::string_view text);

 private:
  ReplicationConnection& connection();

  std::string connect_url_, time_zone_, what_for_;
  std::unique_ptr<ReplicationConnection> connection_;
};

}  // namespace popyka::source::replication
