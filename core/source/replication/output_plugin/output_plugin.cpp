#include "source/replication/output_plugin/output_plugin.hpp"

#include <fmt/format.h>

#include "source/replication/output_plugin/pgoutput/pgoutput_plugin.hpp"
#include "source/replication/output_plugin/wal2json_plugin.hpp"
#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {

std::unique_ptr<OutputPlugin> make_output_plugin(const config::DatabaseSpec& database, metrics::Registry& registry) {
  if (database.output_plugin == config::DatabaseSpec::OutputPlugin::pgoutput) {
    return std::make_unique<pgoutput::PgoutputPlugin>(database, registry);
  }
  return std::make_unique<Wal2jsonPlugin>(database.wal2json_options);
}

void rethrow_plugin_failure(const ServerError& error, std::string_view output_plugin) {
  if (error.sqlstate() == "58P01") {  // undefined_file: the library is not there
    throw ReplicationError(fmt::format(
        "the {} output plugin is not installed on the PostgreSQL server ({}): install it, e.g. the "
        "postgresql-<version>-{} package (or use output_plugin: pgoutput, built into PostgreSQL)",
        output_plugin, error.what(), output_plugin));
  }
  if (error.sqlstate() == "42501") {  // insufficient_privilege: not in output_plugin_libraries
    throw ReplicationError(fmt::format(
        "PostgreSQL does not allow {0} as an output plugin ({1}): add it to output_plugin_libraries, e.g. "
        "output_plugin_libraries = 'pgoutput, test_decoding, {0}', and reload the server configuration",
        output_plugin, error.what()));
  }
}

}  // namespace popyka::source::replication
