#include "config/host_schema.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace popyka::config {
namespace {

using sdk::ConfigType;

// Each reader is a connection of its own: a bound well below any server's max_connections.
constexpr std::int64_t kMaxSnapshotParallelism = 64;

std::vector<Key> database_keys() {
  return {
      required_key("connect_url", of_type(ConfigType::String), "libpq URI or `key=value` string"),
      required_key("slot_name", of_type(ConfigType::String),
                   "the logical replication slot, created when missing: 1 to 63 lower-case letters, digits or underscores"),
      optional_key("wal2json_options", map_of("of wal2json option names to values"), std::nullopt,
                   "extra wal2json options (wal2json only)"),
      optional_key("status_interval_s", seconds_above_zero(), "10", "at most this long between status updates to the server"),
      optional_key("reconnect_initial_s", seconds_above_zero(), "1",
                   "back-off after a lost connection: starts at this, doubles up to `reconnect_max_s`"),
      optional_key("reconnect_max_s", seconds_above_zero(), "30", "the longest back-off after a lost connection"),
      optional_key("snapshot", one_of({"never", "initial", "incremental"}), "never",
                   "`initial`: when popyka-host creates the slot, first send every existing row as an `R` change (shaped like "
                   "an insert), then stream from the slot's consistent point; an interrupted snapshot starts over on the "
                   "next run, so consumers may see some `R` rows twice (core/source/replication/README.md); "
                   "`incremental`: when popyka-host creates the slot, stream at once and read the existing rows beside "
                   "the stream as an incremental snapshot (in chunks, resumed after a crash; README \"Incremental "
                   "snapshots\")"),
      optional_key("snapshot_tables", list_of("of schema.table names"), std::nullopt,
                   "with `snapshot: initial` or `incremental`: the `schema.table`s that snapshot reads (default: every "
                   "user table)"),
      optional_key("snapshot_chunk_size", whole_number(1, 1000000, "rows a chunk"), "1024",
                   "rows an incremental snapshot reads at a time, in primary-key order between a low and a high "
                   "watermark; what it holds in memory"),
      optional_key("signal_table", nonblank_string(), std::nullopt,
                   "`schema.table` of a Debezium-compatible signal table (`id varchar(42) primary key, type varchar(32) "
                   "not null, data varchar(2048)`): an inserted `execute-snapshot` row starts an incremental snapshot, "
                   "`stop-snapshot` stops it (README \"Incremental snapshots\")"),
      optional_key("snapshot_parallelism", whole_number(1, kMaxSnapshotParallelism, "connections reading the snapshot"), std::nullopt,
                   "with `snapshot: initial`: connections reading the initial snapshot side by side (default: the number "
                   "of cores): each imports the slot's exported snapshot, tables of 2 MiB or more are split into CTID "
                   "ranges, several tables are read at once, each range with `COPY ... TO STDOUT`; every row once, "
                   "processors still called on one thread, memory bounded (core/source/replication/README.md)"),
      optional_key("heartbeat_interval_s", seconds_or_off(), "0",
                   "a `popyka.heartbeat` logical message this often, so the slot moves on while only other databases are "
                   "written to; never reaches processors: every logical decoding message whose prefix starts with `popyka.` is the host's own and is dropped before the filters"),
      optional_key("output_plugin", one_of({"wal2json", "pgoutput"}), "wal2json",
                   "`pgoutput` is built into PostgreSQL, no extension to install; decoded into the same wal2json v2 "
                   "changes, differences in core/source/replication/output_plugin/pgoutput/README.md"),
      optional_key("publication", of_type(ConfigType::String), "popyka",
                   "with `pgoutput`: the publication streamed, created `FOR ALL TABLES` when missing and the role may; "
                   "1 to 63 lower-case letters, digits or underscores"),
      optional_key("slot_busy_wait_s", seconds_or_off(), "120",
                   "when the slot is in use by another process at startup, wait for it this long, trying again with "
                   "back-off and logging the holder's pid, `application_name` and client address (longer than the "
                   "server's default `wal_sender_timeout` of 60 s, the time it takes to notice a crashed host's "
                   "walsender; `0`: fail at once)"),
      optional_key("standby", of_type(ConfigType::Bool), "false",
                   "`true`: wait for the slot without bound and take it over when it is free (see \"Running two "
                   "instances\"); also `POPYKA_STANDBY=1`"),
      optional_key("application_name", nonblank_string(), "popyka",
                   "what `pg_stat_activity` / `pg_stat_replication` show for popyka's connections (an "
                   "`application_name` in `connect_url` wins)"),
      optional_key("unchanged_toast", one_of({"omit", "from_identity"}), "omit",
                   "PostgreSQL does not log a TOASTed value (a large `text`, `jsonb`, `bytea`) that an UPDATE left "
                   "unchanged, so both output plugins leave that column out of the update's `columns` (`omit`, as "
                   "wal2json); with `from_identity` popyka-host fills each such column from the update's `identity` "
                   "(same name, type and value text, in the table's column order), so filters, processors and Kafka get "
                   "the whole new row. This needs the old row in the WAL: `ALTER TABLE ... REPLICA IDENTITY FULL`; for a "
                   "table without it the column stays out and popyka-host logs one warning per table saying what to run"),
      optional_key("heartbeat_connect_url", nonblank_string(), std::nullopt,
                   "with `heartbeat_interval_s`: where heartbeats are written (default: `connect_url`). A standby cannot "
                   "write WAL: with `connect_url` on a standby, name its primary here (its messages reach the standby's "
                   "slot through replication); without it, heartbeats are off there with one warning"),
      optional_key("failover", of_type(ConfigType::Bool), "false",
                   "`true` (PostgreSQL 17+): create the slot as a failover slot, which the server syncs to standbys, so "
                   "popyka-host goes on from it after a failover (see \"High availability\"); an existing slot without it "
                   "gets one warning saying how to fix it; before 17 one error"),
      optional_key("streaming", of_type(ConfigType::Bool), "false",
                   "`on` (pgoutput, PostgreSQL 14+): the server streams a big transaction while it runs (protocol version "
                   "2) instead of spilling it to its own disk until the commit; popyka-host spools it and hands it to "
                   "filters and processors at its commit, exactly as without streaming, and drops it at its abort (or a "
                   "rolled-back savepoint's part). With wal2json: one error"),
      optional_key("spool_directory", nonblank_string(), std::nullopt,
                   "with `streaming: on`: where the spool file of a streamed transaction is created, and unlinked at "
                   "once, so no file outlives the process (default: the system's temporary directory)"),
      optional_key("spool_memory_mb", whole_number_at_least(0, "megabytes"), "64",
                   "with `streaming: on`: memory the open streamed transactions may take together before their messages "
                   "go to their files (`0`: files only)"),
      optional_key("spool_disk_mb", whole_number_at_least(1, "megabytes"), "10240",
                   "with `streaming: on`: disk their files may take together; beyond it streaming fails with an error "
                   "naming this key"),
  };
}

std::vector<Key> component_keys() {
  return {
      required_key("class", nonblank_string(), "the plugin class (`popyka-host --list-plugins`)"),
      optional_key("config", of_type(ConfigType::Map), std::nullopt, "the class's config (`popyka-host --describe CLASS`)"),
  };
}

std::vector<Key> processor_keys() {
  std::vector<Key> keys = component_keys();
  keys.push_back(optional_key("filters", of_type(ConfigType::List), std::nullopt,
                              "the processor's own filters: they decide whether it sees a change (entries as `filters[N]`)"));
  keys.push_back(optional_key("error_handlers", of_type(ConfigType::List), std::nullopt,
                              "asked in order when the processor fails (entries as `filters[N]`)"));
  keys.push_back(optional_key("timeout_s", seconds_or_off(), std::nullopt,
                              "the longest one call into this processor, its filters or error handlers may take before "
                              "popyka-host stops (default `POPYKA_CALL_TIMEOUT_S`)"));
  return keys;
}

HostSchema make_host_schema() {
  HostSchema schema;
  schema.database = {"database", "database:", database_keys()};
  schema.metrics = {"metrics", "metrics:", {required_key("listen", nonblank_string(), "`host:port` for `/metrics` and `/healthz`")}};
  schema.component = {"filters", "filters[N]:", component_keys()};
  schema.processor = {"processors", "processors[N]:", processor_keys()};
  schema.top_level = {"", "top level:",
                      {
                          required_key("database", mapping_with(schema.database.keys), "the PostgreSQL server and slot"),
                          required_key("filters", of_type(ConfigType::List), "global filters (may be empty)"),
                          required_key("processors", of_type(ConfigType::List), "the processors, in order (at least one)"),
                          optional_key("metrics", mapping_with(schema.metrics.keys), std::nullopt,
                                       "the metrics server (off when absent)"),
                      }};
  return schema;
}

}  // namespace

const HostSchema& host_schema() {
  static const HostSchema schema = make_host_schema();
  return schema;
}

bool is_host_section(std::string_view name) {
  for (const HostSection* section : host_schema().sections())
    if (section->name == name) return true;
  return false;
}

std::string host_section_names() {
  std::string names;
  for (const HostSection* section : host_schema().sections())
    if (!section->name.empty()) names += (names.empty() ? "" : ", ") + section->name;
  return names;
}

void describe_host_keys(std::ostream& out, std::string_view name) {
  if (!is_host_section(name))
    throw sdk::ConfigError(fmt::format("--describe {}: no such section of popyka-host's config ({})", name, host_section_names()));
  for (const HostSection* section : host_schema().sections()) {
    if (!name.empty() && section->name != name) continue;
    fmt::print(out, "{}\n", section->header);
    describe_keys(out, section->keys);
  }
}

}  // namespace popyka::config
