#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "config/pipeline_config.hpp"
#include "decode/decoded_change.hpp"
#include "metrics/metrics_registry.hpp"
#include "popyka/sdk/change.hpp"
#include "source/replication/output_plugin/start_replication_command.hpp"
#include "source/replication/transport/replication_connection.hpp"

namespace popyka::source::replication {

// The logical decoding output plugins popyka streams with (database.output_plugin).
inline constexpr std::string_view wal2json_plugin = "wal2json";
inline constexpr std::string_view pgoutput_plugin = "pgoutput";

// One message of a payload for the consumer: wal2json's text, which the consumer decodes where it
// lies, or a change a decoder of core/decode made from the payload.
using PluginMessage = std::variant<std::string_view, decode::DecodedChange*>;
// Receives each message of a payload with its LSN; the message lasts while the call does.
using MessageSink = std::function<void(const PluginMessage& message, sdk::Lsn lsn)>;

// How one output plugin's stream becomes what the pipeline reads: the name
// the slot is created with, what must exist before the slot, START_REPLICATION's options, and
// each XLogData payload's messages. Chosen once (make_output_plugin()); one per session, since a
// plugin may keep what the stream told it on this connection (pgoutput's relations).
class OutputPlugin {
 public:
  virtual ~OutputPlugin() = default;

  // CREATE_REPLICATION_SLOT ... LOGICAL <name>; an existing slot must use it too.
  virtual std::string_view name() const noexcept = 0;
  // On the replication connection, before the slot is prepared (once a slot exports a snapshot,
  // no command may run there until it is read). `slot_plugin`: the existing slot's plugin, empty
  // when there is no slot yet. Throws ReplicationError, ConnectionLost.
  virtual void prepare(ReplicationConnection& connection, std::string_view slot_plugin) = 0;
  // START_REPLICATION's options for a server of `server_version` (PQserverVersion).
  virtual PluginOptions start_options(int server_version) const = 0;
  // Hands `sink` the messages of one XLogData payload starting at `lsn`: none (a message that
  // only describes, e.g. pgoutput's Relation, or one of a streamed transaction not committed
  // yet), one at `lsn`, or more (a Truncate's, at `lsn`; a streamed transaction's at its Stream
  // Commit, each at its own). Throws ReplicationError for a payload it cannot read, what the
  // catalog and the sink throw.
  virtual void messages(std::string_view payload, sdk::Lsn lsn, const MessageSink& sink) = 0;
  // Transactions begun in the stream and not handed on yet (pgoutput's streamed ones).
  virtual std::size_t open_transactions() const { return 0; }
};

// The plugin database.output_plugin names. Throws ReplicationError for options it refuses (so
// configuration mistakes show before any connection). `registry`: pgoutput's streaming spool.
std::unique_ptr<OutputPlugin> make_output_plugin(const config::DatabaseSpec& database, metrics::Registry& registry);

// Rethrows a failure to load the output plugin (at slot creation or START_REPLICATION) as the
// ReplicationError saying what to do: not installed, or not allowed by the server's
// output_plugin_libraries (PostgreSQL 15.19 and later); other errors are left to the caller.
void rethrow_plugin_failure(const ServerError& error, std::string_view plugin);

}  // namespace popyka::source::replication
