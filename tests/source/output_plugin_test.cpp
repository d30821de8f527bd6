// The output plugin is chosen once from database.output_plugin, without a server: its slot
// plugin name, START_REPLICATION's options, and wal2json payloads passed on without a copy.
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include <string>
#include <variant>

#include "config/pipeline_config.hpp"
#include "source/replication/output_plugin/output_plugin.hpp"
#include "source/replication/replication_error.hpp"

using namespace popyka;
using namespace popyka::source::replication;

TEST_CASE("wal2json, the default: the host's options, and each payload is the message itself") {
  config::DatabaseSpec database;
  database.wal2json_options = {{"include-lsn", "1"}};
  auto plugin = make_output_plugin(database, metrics::registry());
  CHECK(plugin->name() == "wal2json");
  CHECK(plugin->start_options(150000) == PluginOptions{{"format-version", "2"},
                                                      {"include-pk", "1"},
                                                      {"include-xids", "1"},
                                                      {"include-timestamp", "1"},
                                                      {"include-lsn", "1"}});
  const std::string payload = R"({"action":"B"})";
  std::vector<std::pair<PluginMessage, sdk::Lsn>> messages;
  plugin->messages(payload, 42, [&](const PluginMessage& message, sdk::Lsn lsn) { messages.emplace_back(message, lsn); });
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].second == 42);
  const auto* text = std::get_if<std::string_view>(&messages[0].first);  // wal2json's text, for the consumer to decode
  REQUIRE(text != nullptr);
  CHECK(text->data() == payload.data());  // a view of the payload, not a copy
  CHECK(text->size() == payload.size());

  database.wal2json_options = {{"format-version", "1"}};
  CHECK_THROWS_AS(make_output_plugin(database, metrics::registry()), source::ReplicationError);
}

TEST_CASE("pgoutput: the publication and protocol version 1, messages from PostgreSQL 14 on") {
  config::DatabaseSpec database;
  database.output_plugin = config::DatabaseSpec::OutputPlugin::pgoutput;
  database.publication = "cdc";
  auto plugin = make_output_plugin(database, metrics::registry());
  CHECK(plugin->name() == "pgoutput");
  CHECK(plugin->start_options(150004) ==
        PluginOptions{{"proto_version", "1"}, {"publication_names", "cdc"}, {"messages", "true"}});
  CHECK(plugin->start_options(130010) == PluginOptions{{"proto_version", "1"}, {"publication_names", "cdc"}});
}

TEST_CASE("pgoutput with streaming: protocol version 2 and streaming on") {
  config::DatabaseSpec database;
  database.output_plugin = config::DatabaseSpec::OutputPlugin::pgoutput;
  database.streaming = true;
  auto plugin = make_output_plugin(database, metrics::registry());
  CHECK(plugin->start_options(140010) == PluginOptions{{"proto_version", "2"},
                                                       {"publication_names", "popyka"},
                                                       {"messages", "true"},
                                                       {"streaming", "on"}});
  CHECK(plugin->open_transactions() == 0);
}
