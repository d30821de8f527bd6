#include "source/replication/output_plugin/pgoutput/pgoutput_plugin.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <string>

#include "popyka/sdk/change.hpp"
#include "source/replication/replication_error.hpp"

namespace popyka::source::replication::pgoutput {
namespace {

// Before the slot is created: pgoutput looks the publication up as of each change it decodes.
// `publication` passed the config's identifier check, so it goes into SQL unquoted.
void ensure_publication(ReplicationConnection& connection, std::string_view publication) {
  const std::string literal = connection.quote_literal(publication);
  auto existing = connection.execute(
      "SELECT puballtables, (SELECT count(*) FROM pg_publication_tables t WHERE t.pubname = p.pubname) "
      "FROM pg_publication p WHERE pubname = " + literal);
  if (existing.rows() > 0) {
    spdlog::info("using publication \"{}\" ({})", publication,
                 existing.value(0, 0) == "t" ? std::string("all tables")
                                             : fmt::format("{} table(s)", existing.value(0, 1)));
    return;
  }
  try {
    connection.execute(fmt::format("CREATE PUBLICATION {} FOR ALL TABLES", publication));
    spdlog::info("created publication \"{}\" FOR ALL TABLES", publication);
  } catch (const ServerError& e) {
    if (e.sqlstate() == "42710") return;  // duplicate_object: created just now by someone else
    auto database = connection.execute("SELECT current_database()");
    // read_only_sql_transaction: a standby, where only its primary can create it.
    const bool on_standby = e.sqlstate() == "25006";
    throw ReplicationError(fmt::format(
        "publication \"{0}\" does not exist and popyka cannot create it ({1}): run "
        "CREATE PUBLICATION {0} FOR ALL TABLES; as a superuser in database \"{2}\"{3} (or set database.publication "
        "to an existing one)",
        publication, e.what(), database.value(0, 0), on_standby ? " on the primary (connect_url names a standby)" : ""));
  }
}

}  // namespace

PgoutputPlugin::PgoutputPlugin(const config::DatabaseSpec& database, metrics::Registry& registry)
    : connect_url_(database.connect_url),
      publication_(database.publication),
      streamed_(database.streaming ? std::make_unique<StreamedTransactions>(database, registry) : nullptr) {}

PgoutputPlugin::~PgoutputPlugin() = default;

void PgoutputPlugin::prepare(ReplicationConnection& connection, std::string_view slot_plugin) {
  if (slot_plugin.empty() || slot_plugin == pgoutput_plugin) ensure_publication(connection, publication_);
  std::string time_zone(connection.execute("SHOW TimeZone").value(0, 0));
  catalog_ = std::make_unique<DatabaseCatalog>(connect_url_, std::move(time_zone));
  decoder_ = std::make_unique<decode::pgoutput::Decoder>(*catalog_);
}

PluginOptions PgoutputPlugin::start_options(int server_version) const {
  // Streaming needs version 2 (PostgreSQL 14+, the oldest the session accepts); 16's 'parallel'
  // and version 4 would only add what popyka does not use.
  PluginOptions options = {{"proto_version", streamed_ ? "2" : "1"}, {"publication_names", publication_}};
  // pg_logical_emit_message reaches the stream as with wal2json (the server refuses it before 14).
  if (server_version >= 140000) options.emplace_back("messages", "true");
  if (streamed_) options.emplace_back("streaming", "on");
  return options;
}

void PgoutputPlugin::messages(std::string_view payload, sdk::Lsn lsn, const MessageSink& sink) {
  try {
    // A committed streamed transaction's messages go through the decoder as any transaction's.
    if (streamed_ && streamed_->take(payload, lsn, [&](std::string_view message, sdk::Lsn at) { decode(message, at, sink); }))
      return;
    decode(payload, lsn, sink);
  } catch (const decode::pgoutput::DecodeError& e) {
    throw ReplicationError(fmt::format("cannot decode pgoutput's message at {}: {}", sdk::format_lsn(lsn), e.what()));
  }
}

void PgoutputPlugin::decode(std::string_view message, sdk::Lsn lsn, const MessageSink& sink) {
  for (decode::DecodedChange* change : decoder_->decode(message, lsn)) sink(change, lsn);
}

}  // namespace popyka::source::replication::pgoutput
