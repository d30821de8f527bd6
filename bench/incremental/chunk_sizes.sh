#!/usr/bin/env bash
# Incremental snapshot against `COPY t TO STDOUT`, by chunk size: the table of bench/snapshot
# (10 columns), ROWS rows (default 1,000,000), read by popyka-host with `snapshot: incremental`
# into LogChangeProcessor (POPYKA_COMPACT_DUMP=1, its log to /dev/null), the stream idle.
#
#   bench/incremental/chunk_sizes.sh                 # CHUNKS="1024 4096 16384", RUNS=1
#
# A run is timed from popyka-host's start until /metrics counts every row of the table in
# popyka_incremental_snapshot_rows_total; CPU seconds and peak RSS (VmHWM) from /proc then.
# Environment: ROWS, CHUNKS, RUNS, POPYKA_BENCH_BUILD_DIR (build-bench), POPYKA_BENCH_NO_BUILD;
# PROFILE=1 runs popyka-host under `perf record -g` and prints where its CPU went.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
RUNS=${RUNS:-1}
ROWS=${ROWS:-1000000}
CHUNKS=${CHUNKS:-1024 4096 16384}
build=${POPYKA_BENCH_BUILD_DIR:-$repo/build-bench}
pgbin=/usr/lib/postgresql/15/bin

say() { echo "bench: $*" >&2; }

# shellcheck source=../bench_lib.sh
source "$repo/bench/bench_lib.sh"
build_popyka
require_programs "$pgbin/psql"

work=$(mktemp -d /tmp/popyka-bench-incremental-XXXXXX)
host_pid="" kafka_pid="" postgres_pid=""
cleanup() {
  trap - EXIT INT TERM
  for pid in $host_pid $postgres_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $host_pid $postgres_pid; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

start_postgres
say "loading $ROWS rows"
sql <<SQL
create table t(
  id bigint primary key, name text, amount numeric(12,2), quantity int, paid boolean,
  created_at timestamptz, note text, status varchar(20), score float8, ref uuid);
insert into t select g, 'customer ' || g, (g % 100000) / 100.0, 1 + g % 20, g % 2 = 0,
  timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second',
  case when g % 3 = 0 then 'customer asked for delivery after 5 pm, call first' else 'standard' end,
  (array['new', 'paid', 'shipped', 'returned'])[1 + g % 4], g / 7.0, gen_random_uuid()
from generate_series(1, $ROWS) g;
vacuum analyze t;
SQL
sql -c "copy t to stdout" >/dev/null  # untimed: the table in shared buffers for every run alike
say "table size: $(sql -c "select pg_size_pretty(pg_relation_size('t'))")"

metrics_port=$((20000 + RANDOM % 20000))
run_popyka() {  # $1: chunk size, $2: slot; sets elapsed, cpu, rss
  local chunk=$1 slot=$2 t0 rows=0
  cat >"$work/$slot.yaml" <<YAML
database:
  connect_url: "host=127.0.0.1 port=$port dbname=bench user=postgres"
  slot_name: $slot
  snapshot: incremental
  snapshot_tables: [public.t]
  snapshot_chunk_size: $chunk
metrics:
  listen: "127.0.0.1:$metrics_port"
filters: []
processors:
  - class: popyka.builtin.processors.LogChangeProcessor
YAML
  local profiler=()
  [ -n "${PROFILE:-}" ] && profiler=(perf record -q -F 999 -g -o "$work/$slot.perf" --)
  t0=$(now)
  POPYKA_CONFIG="$work/$slot.yaml" POPYKA_PLUGIN_PATH="" POPYKA_COMPACT_DUMP=1 "${profiler[@]}" "$build/bin/popyka-host" 2>/dev/null &
  host_pid=$!
  until [ "${rows:-0}" -ge "$ROWS" ]; do
    kill -0 "$host_pid" 2>/dev/null || { say "popyka-host ended early (config $work/$slot.yaml)"; exit 1; }
    sleep 0.05
    rows=$(curl -s "http://127.0.0.1:$metrics_port/metrics" |
      awk '/^popyka_incremental_snapshot_rows_total\{table="public.t"\}/ {print $2}' || true)
  done
  elapsed=$(echo "$(now) - $t0" | bc -l)
  cpu=$(cpu_seconds "$host_pid")
  rss=$(echo "$(awk '/^VmHWM:/ {print $2}' "/proc/$host_pid/status") / 1024" | bc -l)
  kill -TERM "$host_pid"; wait "$host_pid" || true; host_pid=""
  sql -c "select pg_drop_replication_slot('$slot')" >/dev/null
  if [ -n "${PROFILE:-}" ]; then
    echo "--- where popyka-host's CPU went ($slot): top symbols, self time"
    { perf report -q -i "$work/$slot.perf" --no-children -g none --sort dso,symbol 2>/dev/null | grep -v '^$' | head -n 30; } || true
  fi
}

for run in $(seq "$RUNS"); do
  t0=$(now); sql -c "copy t to stdout" >/dev/null; copy=$(echo "$(now) - $t0" | bc -l)
  printf 'run %d: COPY t TO STDOUT (psql, to /dev/null): %.2f s (%.0f rows/s)\n' "$run" "$copy" "$(echo "$ROWS / $copy" | bc -l)"
  # What reading in key order costs the server alone (an index scan, as the chunks read).
  t0=$(now); sql -c "copy (select * from t order by id) to stdout" >/dev/null; ordered=$(echo "$(now) - $t0" | bc -l)
  printf 'run %d: COPY (SELECT * FROM t ORDER BY id) TO STDOUT: %.2f s (%.0f rows/s)\n' "$run" "$ordered" "$(echo "$ROWS / $ordered" | bc -l)"
  for chunk in $CHUNKS; do
    run_popyka "$chunk" "bench_incr_${chunk}_$run"
    printf 'run %d: incremental, chunks of %5d: %.2f s (%.0f rows/s, %.2fx COPY), %.2f CPU s, peak RSS %.0f MiB\n' \
      "$run" "$chunk" "$elapsed" "$(echo "$ROWS / $elapsed" | bc -l)" "$(echo "$copy / $elapsed" | bc -l)" "$cpu" "$rss"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
