#pragma once
#include <memory>
#include <string>

#include "decode/pgoutput_decoder.hpp"
#include "source/replication/transport/catalog_connection.hpp"

namespace popyka::source::replication::pgoutput {

using decode::pgoutput::Catalog;
using decode::pgoutput::RelationColumn;

// The decoder's questions answered on an ordinary connection of its own to the slot's database
// (the replication connection is busy streaming): format_type() of each column (and, where the
// stream does not say it, the primary key), once per Relation message; the walsender's TimeZone offset, once per quarter hour of
// commit times. Opened on first use, opened again after a failure. Throws ConnectionLost (the
// stream reconnects), ReplicationError for an error the server answers.
class DatabaseCatalog final : public Catalog {
 public:
  // `time_zone`: the walsender's TimeZone (SHOW TimeZone on the replication connection).
  DatabaseCatalog(std::string connect_url, std::string time_zone);
  ~DatabaseCatalog();

  Description describe(std::uint32_t relation_oid, const std::vector<RelationColumn>& columns,
                       bool with_primary_key) override;
  std::int32_t utc_offset(std::int64_t unix_seconds) override;

 private:
  CatalogConnection catalog_;
};

}  // namespace popyka::source::replication::pgoutput
