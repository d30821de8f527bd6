#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "source/replication/output_plugin/output_plugin.hpp"
#include "source/replication/output_plugin/pgoutput/pgoutput_catalog.hpp"
#include "source/replication/output_plugin/pgoutput/streamed_transactions.hpp"
#include "decode/pgoutput_decoder.hpp"

namespace popyka::source::replication::pgoutput {

// pgoutput, built into PostgreSQL: the publication before the slot, and its binary messages
// decoded into changes by core/decode's pgoutput decoder (README.md). The publication is used as it is, or created FOR
// ALL TABLES; when the role may not create it, a one-line ReplicationError giving the SQL to run.
// START_REPLICATION: protocol version 1 (PostgreSQL 10+), the publication, and from PostgreSQL 14
// on `messages`; with database.streaming, protocol version 2 and `streaming`, each streamed
// transaction spooled until its commit (streamed_transactions.hpp).
class PgoutputPlugin final : public OutputPlugin {
 public:
  PgoutputPlugin(const config::DatabaseSpec& database, metrics::Registry& registry);
  ~PgoutputPlugin() override;

  std::string_view name() const noexcept override { return pgoutput_plugin; }
  // The publication (unless the slot is another plugin's, which the slot refuses), and the
  // walsender's TimeZone, in which wal2json prints commit times and so does the decoder.
  void prepare(ReplicationConnection& connection, std::string_view slot_plugin) override;
  PluginOptions start_options(int server_version) const override;
  void messages(std::string_view payload, sdk::Lsn lsn, const MessageSink& sink) override;
  std::size_t open_transactions() const override { return streamed_ ? streamed_->open() : 0; }

 private:
  void decode(std::string_view message, sdk::Lsn lsn, const MessageSink& sink);

  std::string connect_url_;
  std::string publication_;
  std::unique_ptr<DatabaseCatalog> catalog_;  // from prepare() on
  std::unique_ptr<decode::pgoutput::Decoder> decoder_;
  std::unique_ptr<StreamedTransactions> streamed_;  // with database.streaming
};

}  // namespace popyka::source::replication::pgoutput
