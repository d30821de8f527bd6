#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "source/replication/output_plugin/output_plugin.hpp"
#include "source/replication/output_plugin/pgoutput/pgoutput_catalog.hpp"
#include "source/replication/output_plugin/pgoutput/pgoutput_decoder.hpp"

namespace popyka::source::replication::pgoutput {

// Makes sure the publication exists: uses it as it is, or creates it FOR ALL TABLES. When the
// role may not create it, a one-line ReplicationError giving the SQL to run. Runs before the
// slot is created (pgoutput looks the publication up as of each change it decodes). `publication`
// passed the config's identifier check, so it goes into SQL unquoted.
void ensure_publication(ReplicationConnection& connection, std::string_view publication);

// START_REPLICATION's options: protocol version 1 (PostgreSQL 10+), the publication, and from
// PostgreSQL 14 on `messages` (pg_logical_emit_message, as wal2json streams them).
PluginOptions start_options(std::string_view publication, int server_version);

// pgoutput, built into PostgreSQL: the publication before the slot, and its binary messages
// decoded into wal2json v2 ones (README.md).
class PgoutputPlugin final : public OutputPlugin {
 public:
  explicit PgoutputPlugin(const config::DatabaseSpec& database);
  ~PgoutputPlugin() override;

  std::string_view name() const noexcept override { return pgoutput_plugin; }
  // The publication (unless the slot is another plugin's, which the slot refuses), and the
  // walsender's TimeZone, in which wal2json prints commit times and so does the decoder.
  void prepare(ReplicationConnection& connection, std::string_view slot_plugin) override;
  PluginOptions start_options(int server_version) const override;
  std::span<const std::string_view> messages(std::string_view payload, sdk::Lsn lsn) override;

 private:
  std::string connect_url_;
  std::string publication_;
  std::unique_ptr<DatabaseCatalog> catalog_;  // from prepare() on
  std::unique_ptr<Decoder> decoder_;
  std::vector<std::string_view> messages_;
};

}  // namespace popyka::source::replication::pgoutput
