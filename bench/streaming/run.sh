#!/usr/bin/env bash
# One big transaction with and without database.streaming (issue 30): PostgreSQL 15 + pgoutput ->
# popyka-host (IgnoreTxFilter + LogChangeProcessor, compact, to a file). Run by hand
# (bench/README.md), never by CI.
#
#   bench/streaming/run.sh
#   TX_ROWS=200000 bench/streaming/run.sh   # a quick try
#
# For each mode (off, then on), with popyka-host streaming a fresh slot before the transaction
# starts (a consumer that keeps up, as in production): one INSERT of TX_ROWS rows (~120 bytes of
# text each) in one transaction. Prints the server's pg_stat_replication_slots spill_bytes and
# stream_bytes for the slot, the seconds from the COMMIT's return to the slot's confirmed_flush_lsn
# reaching the commit (every change through the processor; status every 0.2 s), popyka-host's peak
# RSS (VmHWM) then, and the peak of popyka_stream_spooled_bytes (sampled every 0.1 s).
#
# DROP_ROWS=1: a TableNameIgnoreFilter drops every row change once decoded, so the time after the
# commit is the server's, the transfer's and the decoding's, without the processor's.
#
# Environment: TX_ROWS (2000000), DROP_ROWS (0), POPYKA_BENCH_BUILD_DIR (build-bench), POPYKA_BENCH_NO_BUILD,
# POPYKA_BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
TX_ROWS=${TX_ROWS:-2000000}
DROP_ROWS=${DROP_ROWS:-0}
build=${POPYKA_BENCH_BUILD_DIR:-$repo/build-bench}
pgbin=/usr/lib/postgresql/15/bin
say() { echo "bench: $*" >&2; }
source "$repo/bench/bench_lib.sh"

build_popyka
for f in "$build/bin/popyka-host" "$build/bin/popyka-throwaway-postgres"; do [ -x "$f" ] || { say "missing $f"; exit 1; }; done
work=$(mktemp -d /tmp/popyka-streaming-XXXXXX)
host_pid=
cleanup() {
  trap - EXIT INT TERM
  [ -n "$host_pid" ] && kill -TERM "$host_pid" 2>/dev/null || true
  [ -n "${postgres_pid:-}" ] && kill -TERM "$postgres_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "${POPYKA_BENCH_KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM
start_postgres
sql -c "create publication popyka for all tables"
metrics_port=$(free_port)
spooled() { curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '$1 == "popyka_stream_spooled_bytes" {print $2}'; }

printf '%-9s %14s %14s %18s %14s %14s\n' streaming spill_bytes stream_bytes commit_to_done_s peak_rss_mib peak_spool_mib
for mode in off on; do
  slot=bench_$mode
  sql -c "create table big_$mode(id int primary key, v text)"
  sql -c "select pg_create_logical_replication_slot('$slot', 'pgoutput')" >/dev/null
  cat >"$work/$mode.yaml" <<YAML
database:
  connect_url: "host=127.0.0.1 port=$port dbname=bench user=postgres"
  slot_name: $slot
  output_plugin: pgoutput
  status_interval_s: 0.2
  $( [ $mode = on ] && echo "streaming: on" )
filters: [{class: popyka.builtin.filters.IgnoreTxFilter}$( [ "$DROP_ROWS" = 1 ] && echo ", {class: popyka.builtin.filters.TableNameIgnoreFilter, config: {ignore_regex: 'big_.*'}}" )]
processors: [{class: popyka.builtin.processors.LogChangeProcessor}]
YAML
  : >"$work/$mode.log"
  POPYKA_COMPACT_DUMP=1 POPYKA_CONFIG="$work/$mode.yaml" POPYKA_METRICS_LISTEN="127.0.0.1:$metrics_port" \
    "$build/bin/popyka-host" 2>"$work/$mode.log" &
  host_pid=$!
  until grep -q "streaming replication slot" "$work/$mode.log"; do sleep 0.1; done
  peak_spool=0
  ( while kill -0 "$host_pid" 2>/dev/null; do spooled; sleep 0.1; done ) >"$work/$mode.spool" 2>/dev/null &
  sampler=$!
  sql -c "insert into big_$mode select i, repeat(md5(i::text), 3) from generate_series(1, $TX_ROWS) i"
  committed=$(now)
  commit_lsn=$(sql -c "select pg_current_wal_insert_lsn()")
  until [ "$(sql -c "select confirmed_flush_lsn >= '$commit_lsn' from pg_replication_slots where slot_name = '$slot'")" = t ]; do
    kill -0 "$host_pid" || { say "popyka-host ended early"; tail -5 "$work/$mode.log" >&2; exit 1; }
    sleep 0.05
  done
  done_at=$(now)
  rss_kib=$(status_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }; status_kib "$host_pid" VmHWM)
  kill -TERM "$host_pid"; wait "$host_pid" || true; host_pid=
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  peak_spool=$(sort -g "$work/$mode.spool" | tail -n1)
  stats=$(sql -F ' ' -c "select spill_bytes, stream_bytes from pg_stat_replication_slots where slot_name = '$slot'")
  printf '%-9s %14s %14s %18.2f %14.1f %14.1f\n' "$mode" ${stats% *} ${stats#* } "$(echo "$done_at - $committed" | bc)" \
    "$(echo "scale=1; $rss_kib / 1024" | bc)" "$(echo "scale=1; ${peak_spool:-0} / 1048576" | bc)"
  sql -c "select pg_drop_replication_slot('$slot')" >/dev/null
done
