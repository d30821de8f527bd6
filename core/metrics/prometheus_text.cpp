#include "metrics/prometheus_text.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include <fmt/format.h>

#include "popyka/sdk/version.hpp"

namespace popyka::metrics {
namespace {

std::string escape_label(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  template <class Value>
  void sample(std::string_view name, std::string_view labels, Value value) {
    if (labels.empty()) fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
    else fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
  }
  void per_action(std::string_view name, const std::string& extra_labels, const PerAction& counters) {
    for (std::size_t i = 0; i < kActions.size(); ++i)
      sample(name, fmt::format("{}action=\"{}\"", extra_labels, kActions[i]), counters[i].value());
  }

  std::string out;
};

std::string processor_label(const ProcessorMetrics& processor) { return fmt::format("processor=\"{}\"", escape_label(processor.label)); }

std::string table_label(std::string_view table) { return fmt::format("table=\"{}\"", escape_label(table)); }

}  // namespace

std::string render_prometheus(const Registry& registry, const std::optional<SlotStatus>& slot) {
  Writer w;
  w.family("popyka_changes_received_total", "counter", "Changes received from the source, by action.");
  w.per_action("popyka_changes_received_total", "", registry.received);
  w.family("popyka_changes_filtered_total", "counter", "Changes the global filters dropped, by action.");
  w.per_action("popyka_changes_filtered_total", "", registry.filtered);

  const auto& processors = registry.processors();
  w.family("popyka_changes_processed_total", "counter", "Changes a processor finished without error, by processor and action.");
  for (const auto& p : processors) w.per_action("popyka_changes_processed_total", processor_label(p) + ",", p.processed);
  w.family("popyka_changes_failed_total", "counter", "Failures of a processor on a change (each attempt), by processor and action.");
  for (const auto& p : processors) w.per_action("popyka_changes_failed_total", processor_label(p) + ",", p.failed);
  w.family("popyka_processor_retries_total", "counter", "RETRY_PROCESSOR decisions carried out, by processor.");
  for (const auto& p : processors) w.sample("popyka_processor_retries_total", processor_label(p), p.retries.value());
  w.family("popyka_error_handler_outcomes_total", "counter", "What the error handlers decided, by processor and outcome.");
  for (const auto& p : processors)
    for (std::size_t i = 0; i < kErrorActionCount; ++i)
      w.sample("popyka_error_handler_outcomes_total", fmt::format("{},outcome=\"{}\"", processor_label(p), error_action_name(i)),
               p.handler_outcomes[i].value());
  w.family("popyka_deliveries_in_flight", "gauge", "Changes an asynchronous processor (e.g. Kafka) took on and has not yet reported.");
  for (const auto& p : processors) w.sample("popyka_deliveries_in_flight", processor_label(p), p.in_flight.value());
  w.family("popyka_delivery_failures_total", "counter", "Asynchronous deliveries reported failed (e.g. Kafka after its own retries).");
  for (const auto& p : processors) w.sample("popyka_delivery_failures_total", processor_label(p), p.delivery_failures.value());

  w.family("popyka_received_bytes_total", "counter", "Bytes of change messages received.");
  w.sample("popyka_received_bytes_total", "", registry.received_bytes.value());
  w.family("popyka_received_lsn", "gauge", "WAL position (as a number) of the last change received.");
  w.sample("popyka_received_lsn", "", registry.received_lsn.value());
  w.family("popyka_processed_lsn", "gauge", "WAL position of the last change that went through every processor.");
  w.sample("popyka_processed_lsn", "", registry.processed_lsn.value());
  w.family("popyka_confirmed_lsn", "gauge", "WAL position last confirmed to PostgreSQL (everything before it is done).");
  w.sample("popyka_confirmed_lsn", "", registry.confirmed_lsn.value());

  w.family("popyka_stream_spooled_bytes", "gauge", "Bytes the open streamed transactions' spools hold, in memory and in files (database.streaming).");
  w.sample("popyka_stream_spooled_bytes", "", registry.spooled_bytes.value());
  w.family("popyka_streamed_transactions_open", "gauge", "Transactions the server is streaming that have neither committed nor aborted yet.");
  w.sample("popyka_streamed_transactions_open", "", registry.streamed_transactions_open.value());

  // The server's current WAL end when we can ask it, else the last one it told the stream.
  const std::int64_t wal_end = slot ? slot->current_wal_lsn : registry.server_wal_end.value();
  w.family("popyka_replication_lag_bytes", "gauge", "The server's WAL end minus the confirmed position.");
  w.sample("popyka_replication_lag_bytes", "", std::max<std::int64_t>(0, wal_end - registry.confirmed_lsn.value()));
  if (const std::int64_t commit = registry.last_commit_unix_us.value(); commit > 0) {
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    w.family("popyka_replication_lag_seconds", "gauge", "Now minus the commit time of the last transaction the pipeline finished.");
    w.sample("popyka_replication_lag_seconds", "", std::max<double>(0, static_cast<double>(now - commit) / 1e6));
  }
  if (slot && slot->retained_wal_bytes) {
    w.family("popyka_slot_retained_wal_bytes", "gauge", "WAL the server keeps for the slot (current WAL end minus the slot's restart_lsn).");
    w.sample("popyka_slot_retained_wal_bytes", "", *slot->retained_wal_bytes);
  }
  if (slot && !slot->wal_status.empty()) {
    w.family("popyka_slot_wal_status", "gauge",
             "1 for the slot's wal_status (reserved, extended, unreserved: its WAL goes at the next checkpoint, lost: "
             "invalidated), 0 for the others.");
    for (const std::string_view status : {"reserved", "extended", "unreserved", "lost"})
      w.sample("popyka_slot_wal_status", fmt::format("status=\"{}\"", status), status == slot->wal_status ? 1 : 0);
  }
  if (slot && slot->safe_wal_size) {
    w.family("popyka_slot_safe_wal_size_bytes", "gauge",
             "WAL the server can still write before the slot is at risk of losing WAL it needs (max_slot_wal_keep_size).");
    w.sample("popyka_slot_safe_wal_size_bytes", "", *slot->safe_wal_size);
  }
  w.family("popyka_standby", "gauge", "1 while this instance is a standby waiting for the slot another one streams.");
  w.sample("popyka_standby", "", registry.standby.value());
  w.family("popyka_snapshot_running", "gauge", "1 while the initial snapshot is being read.");
  w.sample("popyka_snapshot_running", "", registry.snapshot.running.value());
  const auto tables = registry.snapshot.sample();
  w.family("popyka_snapshot_rows_total", "counter",
           "Rows of the initial snapshot handed to the pipeline, by table (from 0 again when a snapshot starts over).");
  for (const auto& t : tables) w.sample("popyka_snapshot_rows_total", table_label(t.name), t.rows);
  w.family("popyka_snapshot_rows_estimated", "gauge", "The table's row estimate (pg_class.reltuples; -1: never analyzed).");
  for (const auto& t : tables) w.sample("popyka_snapshot_rows_estimated", table_label(t.name), t.estimated_rows);
  w.family("popyka_incremental_snapshot_running", "gauge", "1 while an incremental snapshot is being read.");
  w.sample("popyka_incremental_snapshot_running", "", registry.incremental_snapshot.running.value());
  const auto incremental = registry.incremental_snapshot.sample();
  w.family("popyka_incremental_snapshot_chunks_total", "counter", "Chunks of incremental snapshots done, by table.");
  for (const auto& t : incremental) w.sample("popyka_incremental_snapshot_chunks_total", table_label(t.name), t.chunks);
  w.family("popyka_incremental_snapshot_rows_total", "counter",
           "Rows of incremental snapshots handed to the pipeline, by table (from 0 again when the table is read again).");
  for (const auto& t : incremental) w.sample("popyka_incremental_snapshot_rows_total", table_label(t.name), t.rows);
  w.family("popyka_incremental_snapshot_rows_estimated", "gauge",
           "The table's row estimate (pg_class.reltuples; -1: never analyzed).");
  for (const auto& t : incremental) w.sample("popyka_incremental_snapshot_rows_estimated", table_label(t.name), t.estimated_rows);
  w.family("popyka_reconnects_total", "counter", "Connections to PostgreSQL lost and made again.");
  w.sample("popyka_reconnects_total", "", registry.reconnects.value());
  w.family("popyka_uptime_seconds", "gauge", "Seconds since popyka-host started.");
  w.sample("popyka_uptime_seconds", "",
           std::chrono::duration<double>(std::chrono::steady_clock::now() - registry.started).count());
  w.family("popyka_build_info", "gauge", "popyka-host's version and SDK ABI version.");
  w.sample("popyka_build_info", fmt::format("version=\"{}\",sdk_abi=\"{}\"", POPYKA_VERSION_STRING, POPYKA_SDK_ABI_VERSION), 1);
  return std::move(w.out);
}

}  // namespace popyka::metrics
