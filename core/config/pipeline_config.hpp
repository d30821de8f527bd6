#pragma once
#include <cstdint>
#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "popyka/sdk/config.hpp"

namespace popyka::config {

// One `filters:`, `processors:` or `error_handlers:` entry.
struct ComponentSpec {
  std::string class_name;  // `class:`
  sdk::Config config;      // `config:`, interpolated; an empty mapping when absent
  std::string path;        // where the entry is, e.g. `processors[1].error_handlers[0]`
};

struct ProcessorSpec : ComponentSpec {
  std::vector<ComponentSpec> filters;         // the processor's own filters
  std::vector<ComponentSpec> error_handlers;  // asked in order when the processor fails
  // `timeout_s`: the longest one call into this processor (or its filters and handlers) may
  // take before popyka-host stops; 0: no bound; absent: POPYKA_CALL_TIMEOUT_S.
  std::optional<double> timeout_s;
};

inline int default_snapshot_parallelism() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// `database:`
struct DatabaseSpec {
  std::string connect_url;  // libpq URI or key=value string (required)
  std::string slot_name;    // (required)
  // `wal2json_options:` passed to START_REPLICATION besides the ones the host sets itself.
  std::vector<std::pair<std::string, std::string>> wal2json_options;
  double status_interval_s = 10;   // `status_interval_s`: at most this long between status updates
  double reconnect_initial_s = 1;  // `reconnect_initial_s`: first wait after a lost connection
  double reconnect_max_s = 30;     // `reconnect_max_s`: the wait doubles up to this cap
  // `snapshot`: `never` streams changes only; `initial` also reads the rows that exist when
  // popyka-host creates the slot and sends them as action R changes first; `incremental` reads
  // them as an incremental snapshot (in chunks, beside the stream, which starts at once).
  enum class Snapshot { never, initial, incremental };
  Snapshot snapshot = Snapshot::never;
  // `snapshot_tables`: the `schema.table`s an initial (or initial incremental) snapshot reads;
  // empty: every user table.
  std::vector<std::string> snapshot_tables;
  // `snapshot_chunk_size`: rows an incremental snapshot reads at a time (one chunk between a
  // low and a high watermark): its memory bound. 1024: as fast as 4096 or 16384 on a 1M-row,
  // 10-column table (bench/incremental/chunk_sizes.sh, within the machine's noise) at the least
  // memory (peak RSS 18 MiB against 25 and 50), and the least read again after a crash.
  std::int64_t snapshot_chunk_size = 1024;
  // `signal_table`: `schema.table` of a Debezium-compatible signal table whose inserted rows
  // (execute-snapshot, stop-snapshot) start and stop incremental snapshots; empty: none.
  std::string signal_table;
  // `snapshot_parallelism`: connections reading the initial snapshot side by side (each imports
  // the slot's exported snapshot); by default the number of cores, at least 1.
  int snapshot_parallelism = default_snapshot_parallelism();
  // `heartbeat_interval_s`: a `popyka.heartbeat` logical message this often; 0: off.
  double heartbeat_interval_s = 0;
  // `heartbeat_connect_url`: where heartbeats are written; empty: connect_url. A standby cannot
  // write WAL: with connect_url on a standby, this names its primary (the message reaches the
  // standby's slot through replication).
  std::string heartbeat_connect_url;
  // `output_plugin`: the logical decoding plugin of the slot. wal2json (an extension the server
  // needs installed) or pgoutput (built into PostgreSQL 10+, decoded by popyka into the same
  // wal2json v2 messages; core/source/replication/output_plugin/pgoutput/README.md).
  enum class OutputPlugin { wal2json, pgoutput };
  OutputPlugin output_plugin = OutputPlugin::wal2json;
  // `publication`: with pgoutput, the publication streamed (created FOR ALL TABLES when missing
  // and the role may). A lower-case identifier, so it goes into SQL and options unquoted.
  std::string publication = "popyka";
  // `streaming` (pgoutput, PostgreSQL 14+): the server sends a big transaction while it runs
  // (protocol version 2), popyka spools it and hands it on at its commit, as any other.
  bool streaming = false;
  // `spool_directory`: where a streamed transaction's spool file is created (and unlinked at
  // once, so nothing outlives the process); empty: the system's temporary directory.
  std::string spool_directory;
  // `spool_memory_mb`: memory the open streamed transactions may take, together, before each
  // new message goes to its file.
  std::int64_t spool_memory_mb = 64;
  // `spool_disk_mb`: disk their files may take, together; beyond it streaming fails, naming the key.
  std::int64_t spool_disk_mb = 10240;
  // `slot_busy_wait_s`: at startup, how long to wait for a slot another process streams (a
  // walsender the server has not yet found dead, wal_sender_timeout being 60 s by default);
  // 0: fail at once.
  double slot_busy_wait_s = 120;
  // `standby` (or POPYKA_STANDBY=1): wait without bound for the slot, then take it over.
  bool standby = false;
  // `failover` (PostgreSQL 17+): the slot is created as a failover slot, which the server syncs
  // to standbys (sync_replication_slots), so popyka-host goes on from it after a failover.
  bool failover = false;
  // `application_name`: what pg_stat_activity shows for popyka's connections (an
  // application_name in connect_url wins).
  std::string application_name = "popyka";
  // `unchanged_toast`: what an UPDATE's columns hold for a TOASTed value it left unchanged (which
  // PostgreSQL does not log): `omit` leaves the column out, as wal2json does; `from_identity`
  // takes it from the identity, which is the whole old row under REPLICA IDENTITY FULL.
  enum class UnchangedToast { omit, from_identity };
  UnchangedToast unchanged_toast = UnchangedToast::omit;
};

// The whole YAML config, validated and interpolated.
struct PipelineConfig {
  std::string source;  // the file it came from, or "<built-in default>"
  DatabaseSpec database;
  std::vector<ComponentSpec> filters;
  std::vector<ProcessorSpec> processors;
  std::string metrics_listen;  // `metrics.listen`, `host:port` of /metrics and /healthz; empty: off
};

}  // namespace popyka::config
