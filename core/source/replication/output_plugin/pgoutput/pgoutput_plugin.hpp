#pragma once
#include <string_view>

#include "source/replication/transport/replication_connection.hpp"
#include "source/replication/output_plugin/wal2json_plugin.hpp"

namespace popyka::source::replication::pgoutput {

// Makes sure the publication exists: uses it as it is, or creates it FOR ALL TABLES. When the
// role may not create it, a one-line ReplicationError giving the SQL to run. Runs before the
// slot is created (pgoutput looks the publication up as of each change it decodes). `publication`
// passed the config's identifier check, so it goes into SQL unquoted.
void ensure_publication(ReplicationConnection& connection, std::string_view publication);

// START_REPLICATION's options: protocol version 1 (PostgreSQL 10+), the publication, and from
// PostgreSQL 14 on `messages` (pg_logical_emit_message, as wal2json streams them).
Wal2jsonOptions start_options(std::string_view publication, int server_version);

}  // namespace popyka::source::replication::pgoutput
