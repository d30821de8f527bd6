#include "source/replication/replication_session.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdlib>
#include <memory>
#include <utility>
#include <variant>

#include "metrics/metrics_registry.hpp"
#include "runtime/logging.hpp"
#include "runtime/stop_signal.hpp"
#include "source/drain.hpp"
#include "popyka/sdk/json.hpp"
#include "source/replication/host_messages.hpp"
#include "source/replication/slot/replication_slot.hpp"
#include "source/replication/snapshot/initial_snapshot.hpp"
#include "source/replication/transport/replication_protocol.hpp"
#include "source/replication/transport/stop_aware_wait.hpp"

namespace popyka::source::replication {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// On stop, how long the consumer may take to finish outstanding deliveries, and how long the
// server may take to acknowledge the end of the stream.
constexpr auto drain_limit = milliseconds(10'000);
constexpr auto end_copy_limit = std::chrono::seconds(5);
// While deliveries are outstanding, the consumer's poll() and the socket take turns this often.
constexpr auto pending_poll_slice = milliseconds(20);

struct PqFree {
  void operator()(char* buffer) const { PQfreemem(buffer); }
};

// A message at least this large is worth growing libpq's buffer for: see
// padding_that_spares_a_copy().
constexpr std::size_t grow_for_padding_from = 1 << 20;

// How many bytes past the end of libpq's `size`-byte message buffer may be read, so that the
// pipeline reads the message in place instead of copying it into a padded buffer of its own.
// WHY: for a huge message that copy is one more message of peak memory, and the pipeline's
// padded buffer then stays that large. bench/huge, Release: a 100 MiB text value to
// LogChangeProcessor peaks at 615 MiB with this and 715 without, and keeps 216 MiB against 316
// after (bench/README.md, "Huge values"); bench/end_to_end finds no difference in speed.
// HOW: the slack malloc() left after the block (libpq mallocs each message, and PQfreemem() is
// free() outside Windows), or, for a large message without enough, kInPlacePadding after growing
// it with realloc(), which moves a large block's pages rather than copying them. Both need
// glibc's malloc_usable_size(); elsewhere nothing is readable past the message and it is copied.
std::size_t padding_that_spares_a_copy(std::unique_ptr<char, PqFree>& buffer, std::size_t size) {
#if defined(__GLIBC__) && !defined(_WIN32)
  const std::size_t slack = malloc_usable_size(buffer.get()) - size;
  if (slack >= kInPlacePadding || size < grow_for_padding_from) return slack;
  char* grown = static_cast<char*>(std::realloc(buffer.get(), size + kInPlacePadding));
  if (grown == nullptr) return slack;
  (void)buffer.release();  // realloc() freed or kept it: `grown` is the block now
  buffer.reset(grown);
  return malloc_usable_size(grown) - size;
#else
  (void)buffer;
  (void)size;
  return 0;
#endif
}

milliseconds until(Clock::time_point deadline) {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
}

// Why the server ended the COPY, `end` being its result: the server's error, else libpq's. A
// walsender that finishes on a server shutdown sends a plain CommandComplete ("COPY 0") with
// neither: that gets words of its own instead of an empty reason.
std::string stream_end_reason(const QueryResult& end, PGconn* conn) {
  const std::string_view primary = end.error_field(PG_DIAG_MESSAGE_PRIMARY);
  if (!primary.empty()) return std::string(primary);
  if (std::string message = one_line(PQerrorMessage(conn)); !message.empty()) return message;
  if (end.status() == PGRES_COMMAND_OK) return "without an error, as PostgreSQL does when it shuts down";
  return fmt::format("{}, no error message", PQresStatus(end.status()));
}

}  // namespace

ReplicationSession::ReplicationSession(const config::DatabaseSpec& database, bool may_create_slot, metrics::Registry& registry)
    : database_(database),
      registry_(registry),
      plugin_(make_output_plugin(database, registry)),
      connection_(database.connect_url, true, database.application_name),
      status_interval_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(database.status_interval_s))) {
  check_server_version();
  check_standby();
  check_failover();
  check_wal_level();
  prepare_slot(may_create_slot);
  incremental_ = std::make_unique<incremental::IncrementalSnapshot>(database_, output_settings_, registry_);
  if (const auto dot = database_.signal_table.find('.'); dot != std::string::npos) {
    signal_schema_ = database_.signal_table.substr(0, dot);
    signal_table_ = database_.signal_table.substr(dot + 1);
    signal_table_needle_ = "\"table\":" + sdk::json_string(signal_table_);
  }
  if (exported_snapshot_.empty()) start_replication();
}

std::string ReplicationSession::server() const {
  return fmt::format("{}:{}", PQhost(connection_.native()), PQport(connection_.native()));
}

void ReplicationSession::check_server_version() {
  // 12 and 13 are past their end of life: popyka is built and tested on 14 to 18 only.
  constexpr int oldest_supported = 140000;
  if (PQserverVersion(connection_.native()) >= oldest_supported) return;
  const char* version = PQparameterStatus(connection_.native(), "server_version");
  throw ReplicationError(fmt::format(
      "PostgreSQL {} is not supported: popyka-host streams from PostgreSQL 14 or later (versions before 14 are past "
      "their end of life); upgrade the server that database.connect_url names",
      version != nullptr ? version : "before 14"));
}

void ReplicationSession::check_standby() {
  if (connection_.execute("SELECT pg_is_in_recovery()").value(0, 0) != "t") return;
  const char* version = PQparameterStatus(connection_.native(), "server_version");
  if (PQserverVersion(connection_.native()) < 160000) {
    throw ReplicationError(fmt::format(
        "database.connect_url names a standby (PostgreSQL {}, in recovery): decoding on a standby needs PostgreSQL "
        "16 or later; point connect_url at the primary",
        version));
  }
  on_standby_ = true;
  // Without both, the primary may vacuum rows the slot still needs, and the standby then
  // invalidates the slot (rows_removed).
  const bool feedback = connection_.execute("SHOW hot_standby_feedback").value(0, 0) == "on";
  const bool physical_slot = !connection_.execute("SHOW primary_slot_name").value(0, 0).empty();
  if (feedback && physical_slot) {
    spdlog::info("decoding on a standby (PostgreSQL {}): hot_standby_feedback is on and primary_slot_name is set",
                 version);
  } else {
    spdlog::warn("decoding on a standby (PostgreSQL {}) with {}: the primary may remove rows replication slot \"{}\" "
                 "still needs, and the standby then invalidates it; set hot_standby_feedback = on and "
                 "primary_slot_name (a physical slot on the primary) on this standby",
                 version, feedback ? "no primary_slot_name" : "hot_standby_feedback off", database_.slot_name);
  }
}

void ReplicationSession::check_failover() {
  if (!database_.failover) return;
  if (PQserverVersion(connection_.native()) < 170000) {
    throw ReplicationError(fmt::format(
        "database.failover: true needs PostgreSQL 17 or later (failover slots); this server is PostgreSQL {}: set "
        "database.failover: false",
        PQparameterStatus(connection_.native(), "server_version")));
  }
  if (on_standby_) return;  // the primary's settings matter, not this one's
  // Without it the primary may send popyka changes its standby has not received, which a
  // failover then loses: the consumer would have rows the new primary never had.
  if (connection_.execute("SHOW synchronized_standby_slots").value(0, 0).empty()) {
    spdlog::warn("database.failover: synchronized_standby_slots is empty on this primary, so popyka may receive "
                 "changes no standby has yet, which a failover loses; list the standbys' physical slots there");
  }
}

void ReplicationSession::check_wal_level() {
  // Asked first: with wal_level=replica the slot creation error would be less clear.
  auto result = connection_.execute("SHOW wal_level");
  if (result.value(0, 0) != "logical") {
    throw ReplicationError(fmt::format(
        "PostgreSQL runs with wal_level={}; streaming changes needs wal_level=logical (set it in "
        "postgresql.conf and restart PostgreSQL)",
        result.value(0, 0)));
  }
}

void ReplicationSession::prepare_slot(bool may_create_slot) {
  const bool initial_snapshot = database_.snapshot == config::DatabaseSpec::Snapshot::initial;
  ReplicationSlot slot(connection_, database_.slot_name, plugin_->name(), database_.failover);
  // Both asked now: once the slot exported its snapshot, no command may run here until it is
  // read. A slot of another plugin is refused by slot.prepare(); pgoutput makes no publication for it.
  const std::string slot_plugin = slot.plugin_in_use();
  plugin_->prepare(connection_, slot_plugin);
  if (on_standby_ && slot_plugin.empty() && may_create_slot) {
    spdlog::info("creating replication slot \"{}\" on a standby waits for the primary's next running-xacts record "
                 "(one every 15 s while the primary writes); to hurry it, run SELECT pg_log_standby_snapshot() on the "
                 "primary",
                 database_.slot_name);
  }
  // For the initial snapshot and incremental ones: asked now, as the exported snapshot forbids
  // any command later.
  output_settings_ = read_output_settings(connection_);
  const bool incremental_snapshot = database_.snapshot == config::DatabaseSpec::Snapshot::incremental;
  auto prepared = slot.prepare(may_create_slot, initial_snapshot, incremental_snapshot);
  if (prepared.incremental_snapshot_pending) {
    request_incremental_snapshot();
    slot.snapshot_finished();
  }
  start_position_ = prepared.confirmed_flush;
  position_ = ConfirmedPosition(start_position_);
  exported_snapshot_ = std::move(prepared.exported_snapshot);
  if (initial_snapshot && !prepared.created) {
    spdlog::info("replication slot \"{}\" exists: no initial snapshot (one is taken only when popyka-host creates "
                 "the slot)",
                 database_.slot_name);
  }
}

void ReplicationSession::request_incremental_snapshot() {
  // The same path as a user's signal: a popyka.signal message, which the stream brings back (the
  // slot's confirmed position is before it).
  std::vector<std::string> tables = database_.snapshot_tables;
  if (tables.empty()) {
    for (const CatalogTable& table : list_tables(connection_)) {
      std::string name = table.schema + "." + table.name;
      if (name != database_.signal_table) tables.push_back(std::move(name));  // signals are no data
    }
  }
  std::string content = R"({"id":)" + sdk::json_string("snapshot-" + database_.slot_name) +
                        R"(,"type":"execute-snapshot","data":{"type":"incremental","data-collections":[)";
  for (std::size_t i = 0; i < tables.size(); ++i) content += (i > 0 ? "," : "") + sdk::json_string(tables[i]);
  content += "]}}";
  connection_.execute(fmt::format("SELECT pg_logical_emit_message(false, {}, {})",
                                  connection_.quote_literal(incremental::signal_message_prefix),
                                  connection_.quote_literal(content)));
  spdlog::info("database.snapshot: incremental: requested a snapshot of {} table(s) for replication slot \"{}\"",
               tables.size(), database_.slot_name);
}

bool ReplicationSession::take_initial_snapshot(ChangeConsumer& consumer) {
  bool complete =
      read_initial_snapshot({database_, exported_snapshot_, start_position_, output_settings_, registry_}, consumer);
  exported_snapshot_.clear();
  // The marker goes only once every R row is done (delivered): a crash before that must start
  // the snapshot over.
  while (complete && consumer.has_pending() && !runtime::stop_requested()) consumer.poll(milliseconds(100));
  if (complete && !runtime::stop_requested()) {
    consumer.checkpoint();
    complete = !consumer.has_pending();
  }
  ReplicationSlot slot(connection_, database_.slot_name, plugin_->name(), database_.failover);
  if (complete) {
    runtime::flush_logs();  // the R rows' log lines, before the snapshot counts as done
    slot.snapshot_finished();
    spdlog::info("initial snapshot of replication slot \"{}\" done; streaming changes from {}", database_.slot_name,
                 sdk::format_lsn(start_position_));
    return true;
  }
  registry_.set_health(metrics::Health::Stopping, "asked to stop");
  drain(consumer, drain_limit);
  try {
    slot.abandon_snapshot();
  } catch (const std::exception& e) {  // the marker still makes the next run start over
    spdlog::warn("cannot drop replication slot \"{}\" after the unfinished snapshot: {}", database_.slot_name, e.what());
  }
  spdlog::info("stopped during the initial snapshot of replication slot \"{}\"", database_.slot_name);
  return false;
}

void ReplicationSession::start_replication() {
  const auto options = plugin_->start_options(PQserverVersion(connection_.native()));
  try {
    connection_.execute(start_replication_command(database_.slot_name, options));
  } catch (const ServerError& e) {
    rethrow_plugin_failure(e, plugin_->name());
    if (e.sqlstate() == "55006") throw slot_in_use(connection_, database_.slot_name, pid_in_message(e.what()));
    // An invalidated slot: lost at startup, or while the checkpointer ended our last session.
    ReplicationSlot(connection_, database_.slot_name, plugin_->name(), database_.failover).check_valid();
    throw ReplicationError(fmt::format("cannot start streaming slot \"{}\": {}", database_.slot_name, e.what()));
  }
  spdlog::info("streaming replication slot \"{}\" from {}", database_.slot_name, sdk::format_lsn(start_position_));
  registry_.confirmed_lsn.set(static_cast<std::int64_t>(start_position_));
  registry_.set_health(metrics::Health::Streaming);
}

void ReplicationSession::stream(ChangeConsumer& consumer) {
  if (!exported_snapshot_.empty()) {
    if (!take_initial_snapshot(consumer)) return;
    start_replication();
  }
  next_status_ = Clock::now() + status_interval_;
  while (!runtime::stop_requested()) {
    receive_available(consumer);
    if (runtime::stop_requested()) break;
    if (Clock::now() >= next_status_) confirm_done(consumer);
    incremental_->step(consumer, position_.write(), [&] { confirm_done(consumer); });
    wait_for_input(consumer);
  }
  finish(consumer);
}

void ReplicationSession::receive_available(ChangeConsumer& consumer) {
  while (!runtime::stop_requested()) {
    char* raw = nullptr;
    const int size = PQgetCopyData(connection_.native(), &raw, /*async=*/1);
    if (size == 0) return;  // nothing more buffered
    if (size == -1) {
      QueryResult end(PQgetResult(connection_.native()));
      throw ConnectionLost(
          fmt::format("the server ended the replication stream ({})", stream_end_reason(end, connection_.native())));
    }
    if (size < 0) connection_.throw_lost("the replication stream broke");
    std::unique_ptr<char, PqFree> buffer(raw);
    const std::size_t padding = padding_that_spares_a_copy(buffer, static_cast<std::size_t>(size));
    handle(std::string_view(buffer.get(), static_cast<std::size_t>(size)), padding, consumer);
    if (reply_requested_) answer_keepalive(consumer);
    if (Clock::now() >= next_status_) confirm_done(consumer);
  }
}

void ReplicationSession::handle(std::string_view copy_data, std::size_t readable_after, ChangeConsumer& consumer) {
  ServerMessage message;
  try {
    message = parse_server_message(copy_data);
  } catch (const ProtocolError& e) {
    throw ConnectionLost(e.what());  // a fresh connection starts from a clean protocol state
  }
  if (const auto* data = std::get_if<XLogData>(&message)) {
    registry_.server_wal_end.set(static_cast<std::int64_t>(data->wal_end));
    // A message that only describes (pgoutput's Relation, Type, Origin) or that a streamed
    // transaction spools: nothing for the consumer, but data all the same (never taken for a
    // keepalive that could confirm past a transaction in progress).
    position_.on_data(data->data_start);
    // wal2json's message is the end of the payload: what may be read past it may be past that.
    const char* end = copy_data.data() + copy_data.size();
    std::size_t payload_bytes = data->payload.size();  // counted with the payload's first change
    plugin_->messages(data->payload, data->data_start, [&](const PluginMessage& message, sdk::Lsn lsn) {
      const auto* json = std::get_if<std::string_view>(&message);
      deliver(message, lsn, json && json->data() + json->size() == end ? readable_after : 0,
              std::exchange(payload_bytes, 0), consumer);
      // A streamed transaction's commit hands on all of it from this one payload: status updates
      // go on meanwhile, or the server would take the silence for a dead client (wal_sender_timeout).
      if (Clock::now() >= next_status_) confirm_done(consumer);
    });
  } else {
    const auto& keepalive = std::get<PrimaryKeepalive>(message);
    position_.on_keepalive(keepalive.wal_end);
    registry_.server_wal_end.set(static_cast<std::int64_t>(keepalive.wal_end));
    reply_requested_ = reply_requested_ || keepalive.reply_requested;
  }
}

void ReplicationSession::deliver(const PluginMessage& message, sdk::Lsn lsn, std::size_t readable_after, std::size_t bytes,
                                 ChangeConsumer& consumer) {
  const auto* json = std::get_if<std::string_view>(&message);
  decode::DecodedChange* change = json != nullptr ? nullptr : std::get<decode::DecodedChange*>(message);
  if (json != nullptr ? is_host_message(*json) : is_host_message(*change)) {
    // A heartbeat (or another of the host's own messages) never reaches the pipeline and is done
    // at once: as confirmable as a keepalive at its LSN.
    position_.on_keepalive(lsn);
    try {
      if (take_host_message(json != nullptr ? host_decoder_.decode(*json, lsn) : *change, lsn, consumer)) {
        position_.on_data(lsn);
      }
    } catch (const decode::DecodeError& e) {
      spdlog::warn("a popyka. message at {} cannot be read, and is ignored: {}", sdk::format_lsn(lsn), e.what());
    }
    return;
  }
  if (show_to_snapshot(json, change, lsn)) {
    position_.on_keepalive(lsn);  // a signal: done at once, as a host message
    return;
  }
  position_.on_data(lsn);
  if (json != nullptr) consumer.consume_padded(*json, lsn, readable_after);
  else consumer.consume_decoded(*change, bytes);
}

bool ReplicationSession::take_host_message(const sdk::Change& message, sdk::Lsn lsn, ChangeConsumer& consumer) {
  const std::string prefix = message.message_prefix().as_string();
  if (prefix == incremental::watermark_prefix) {
    return incremental_->on_watermark(message.message_content().as_string(), lsn, consumer);
  }
  if (prefix == incremental::signal_message_prefix) {
    take_signal(incremental::signal_from_message(message.message_content().as_string(), sdk::format_lsn(lsn)));
  }
  return false;
}

bool ReplicationSession::show_to_snapshot(const std::string_view* json, const decode::DecodedChange* change,
                                          sdk::Lsn lsn) {
  const bool window = incremental_->window_open();
  if (!window && signal_table_.empty()) return false;
  // wal2json's text is decoded here only when needed (the pipeline decodes it again).
  if (json != nullptr && !window && json->find(signal_table_needle_) == std::string_view::npos) return false;
  const sdk::Change* decoded = change;
  try {
    if (decoded == nullptr) decoded = &host_decoder_.decode(*json, lsn);
  } catch (const decode::DecodeError&) {
    return false;  // the pipeline reports it
  }
  if (!signal_table_.empty() && decoded->table() == signal_table_ && decoded->schema() == signal_schema_) {
    if (decoded->action() == sdk::Action::Insert) take_signal(incremental::signal_from_row(*decoded));
    return true;  // the signal table's rows never reach processors
  }
  incremental_->on_change(*decoded);
  return false;
}

void ReplicationSession::take_signal(const std::optional<incremental::Signal>& signal) {
  if (!signal) return;  // malformed: the parser warned
  if (const auto* request = std::get_if<incremental::SnapshotRequest>(&*signal)) incremental_->request(*request);
  else incremental_->stop(std::get<incremental::StopRequest>(*signal));
}

sdk::Lsn ReplicationSession::confirmable(sdk::Lsn checkpoint, bool undone) {
  // While an incremental snapshot runs, nothing at or past its current low watermark: a restart
  // must find that watermark in the stream again to resume.
  if (const auto ceiling = incremental_->ceiling()) return position_.confirm_below(checkpoint, undone, *ceiling);
  return position_.confirm(checkpoint, undone);
}

void ReplicationSession::wait_for_input(ChangeConsumer& consumer) {
  WaitOutcome outcome;
  if (consumer.has_pending()) {
    // Outstanding deliveries complete only inside poll(): give it the wait, check the socket
    // between slices.
    outcome = wait_readable(connection_.socket(), milliseconds(0));
    if (outcome == WaitOutcome::timed_out) consumer.poll(std::min(until(next_status_), milliseconds(pending_poll_slice)));
  } else {
    outcome = wait_readable(connection_.socket(), until(next_status_));
  }
  if (outcome == WaitOutcome::socket_readable && PQconsumeInput(connection_.native()) == 0) {
    connection_.throw_lost("lost the replication connection");
  }
}

bool ReplicationSession::undone(const ChangeConsumer& consumer) const {
  // A streamed transaction not committed yet is not done either: no keepalive may confirm past it.
  return consumer.has_pending() || plugin_->open_transactions() > 0;
}

void ReplicationSession::confirm_done(ChangeConsumer& consumer) {
  send_status(confirmable(consumer.checkpoint(), undone(consumer)));
  next_status_ = Clock::now() + status_interval_;
}

void ReplicationSession::answer_keepalive(ChangeConsumer& consumer) {
  // The server waits for this answer: before wal_sender_timeout, and at shutdown until the
  // confirmed position reaches its own (it asks again and again meanwhile). With nothing
  // outstanding a checkpoint is cheap and gives it that position; with deliveries outstanding
  // checkpoint() could block on them, so the last confirmed position is repeated and the
  // periodic status confirms more later.
  if (consumer.has_pending()) {
    send_status(position_.flush());
  } else {
    confirm_done(consumer);
  }
}

void ReplicationSession::send_status(sdk::Lsn flush) {
  // A change's log line (LogChangeProcessor's output) is out before the change counts as done.
  runtime::flush_logs();
  // apply = flush: for popyka a change is applied once every processor is done with it, which
  // makes pg_stat_replication's replay_lag the end-to-end lag.
  auto message = encode_standby_status({position_.write(), flush, flush,
                                        to_postgres_time_us(std::chrono::system_clock::now()), false});
  if (PQputCopyData(connection_.native(), message.data(), static_cast<int>(message.size())) != 1 ||
      PQflush(connection_.native()) != 0) {
    connection_.throw_lost("cannot send a standby status update");
  }
  spdlog::debug("standby status: write {} flush {}", sdk::format_lsn(position_.write()), sdk::format_lsn(flush));
  registry_.confirmed_lsn.set(static_cast<std::int64_t>(flush));
  reply_requested_ = false;
}

void ReplicationSession::finish(ChangeConsumer& consumer) {
  registry_.set_health(metrics::Health::Stopping, "asked to stop");
  const sdk::Lsn done = drain(consumer, drain_limit);
  send_status(confirmable(done, undone(consumer)));
  end_copy();
  spdlog::info("stopped streaming replication slot \"{}\"; confirmed up to {}", database_.slot_name,
               sdk::format_lsn(position_.flush()));
}

void ReplicationSession::end_copy() {
  // Waiting for the server's own end of the stream means it has applied the last status update
  // (it reads them in order) before stream_changes() returns.
  PGconn* conn = connection_.native();
  if (PQputCopyEnd(conn, nullptr) != 1 || PQflush(conn) != 0) return;
  const auto give_up = Clock::now() + end_copy_limit;
  for (;;) {
    char* raw = nullptr;
    const int size = PQgetCopyData(conn, &raw, /*async=*/1);
    if (size > 0) {
      PQfreemem(raw);  // sent after the stop: not consumed, so not confirmed, so streamed again
      continue;
    }
    if (size < 0) break;
    if (Clock::now() >= give_up) return;
    if (wait_readable(connection_.socket(), until(give_up), /*stop_ends_wait=*/false) == WaitOutcome::socket_readable &&
        PQconsumeInput(conn) == 0) {
      return;
    }
  }
  while (PGresult* result = PQgetResult(conn)) PQclear(result);
}

}  // namespace popyka::source::replication
