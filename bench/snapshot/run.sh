#!/usr/bin/env bash
# Initial snapshot benchmark: popyka-host's `snapshot: initial` against PostgreSQL's own
# `COPY t TO STDOUT`, on the same 500,000-row table (10 columns: bigint, text, numeric, int,
# boolean, timestamptz, text, varchar, float8, uuid).
#
#   bench/snapshot/run.sh
#
# What it does, all under one `mktemp -d` directory removed at the end:
#  1. builds popyka-host, the built-in plugins, popyka-mock-kafka and the throwaway PostgreSQL
#     (Release, in $POPYKA_BENCH_BUILD_DIR, default build-bench; POPYKA_BENCH_NO_BUILD=1 skips it);
#  2. starts a throwaway PostgreSQL 15 (127.0.0.1 only, wal_level=logical), loads the table,
#     VACUUM ANALYZE, and reads it once untimed (a warm cache for every run alike);
#  3. RUNS times each (medians printed): `psql -c "COPY t TO STDOUT" >/dev/null`; popyka-host
#     with LogChangeProcessor (POPYKA_COMPACT_DUMP=1, its log to /dev/null) on 1 connection and
#     on PARALLEL (default: nproc); popyka-host into Kafka (the mock cluster, acknowledged) on
#     PARALLEL connections. A popyka-host run is timed from its start until its slot is active
#     and the snapshot's marker slot gone: it drops the marker and starts streaming only once
#     every R row is done (delivered), right after logging
#     `initial snapshot of replication slot "…" done`. CPU seconds and peak RSS from /proc then
#     (into Kafka, the mock cluster's CPU seconds too: it runs on the same cores).
#  4. prints each run, the medians, `COPY time / popyka time` (the issue's ratio) and the load
#     average (the machine may be shared: the figures move with it); with the Kafka run, also
#     librdkafka's own CPU for as many messages of that size (popyka-bench-produce: the floor
#     under popyka-host's CPU into Kafka).
#
# Environment: RUNS (3), PARALLEL (nproc), ROWS (500000), POPYKA_BENCH_BUILD_DIR (build-bench),
# POPYKA_BENCH_NO_BUILD, POPYKA_BENCH_KEEP=1 keeps the directory (logs), KAFKA_PRODUCER_CONFIG
# (space-separated name=value librdkafka properties added to the Kafka run's producer_config),
# ONLY (a space-separated subset of: copy log_1 log_N kafka_N; copy always runs).
# PROFILE=1 runs popyka-host under `perf record -g` and prints its CPU by thread and where it went (the
# figures of those runs include perf's own cost).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
RUNS=${RUNS:-3}
PARALLEL=${PARALLEL:-$(nproc)}
ROWS=${ROWS:-500000}
build=${POPYKA_BENCH_BUILD_DIR:-$repo/build-bench}
pgbin=/usr/lib/postgresql/15/bin

say() { echo "bench: $*" >&2; }

# shellcheck source=../bench_lib.sh
source "$repo/bench/bench_lib.sh"
build_popyka
require_programs "$pgbin/psql" "$build/bin/popyka-bench-produce"

work=$(mktemp -d /tmp/popyka-bench-snapshot-XXXXXX)
host_pid="" kafka_pid="" postgres_pid=""
cleanup() {
  trap - EXIT INT TERM
  for pid in $host_pid $kafka_pid $postgres_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $host_pid $kafka_pid $postgres_pid; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${POPYKA_BENCH_KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

start_postgres

load_wide_table t "$ROWS"

run_copy() {  # sets elapsed
  time_copy t
  cpu="" rss="" broker_cpu=""
}

run_popyka() {  # $1: log|kafka, $2: connections, $3: slot; sets elapsed, cpu (s), rss (MiB), broker_cpu (s)
  local processor=$1 connections=$2 slot=$3 t0 bootstrap=""
  if [ "$processor" = kafka ]; then start_mock_kafka "$slot" 4; fi
  {
    cat <<YAML
database:
  connect_url: "host=127.0.0.1 port=$port dbname=bench user=postgres"
  slot_name: $slot
  snapshot: initial
  snapshot_tables: [public.t]
  snapshot_parallelism: $connections
filters: []
processors:
YAML
    if [ "$processor" = log ]; then
      echo "  - class: popyka.builtin.processors.LogChangeProcessor"
    else
      cat <<YAML
  - class: popyka.builtin.processors.ProduceToKafkaProcessor
    config:
      topic: popyka
      producer_config:
        "bootstrap.servers": "$bootstrap"
        "client.id": "popyka-bench"
YAML
      for property in ${KAFKA_PRODUCER_CONFIG:-}; do
        echo "        \"${property%%=*}\": \"${property#*=}\""
      done
    fi
  } >"$work/$slot.yaml"
  local log=/dev/null
  [ "$processor" = kafka ] && log=$work/$slot.log
  local profiler=()
  [ -n "${PROFILE:-}" ] && profiler=(perf record -q -F 999 ${PERF_CALLGRAPH:--g} -o "$work/$slot.perf" --)
  t0=$(now)
  POPYKA_CONFIG="$work/$slot.yaml" POPYKA_PLUGIN_PATH="" POPYKA_COMPACT_DUMP=1 "${profiler[@]}" "$build/bin/popyka-host" 2>"$log" &
  host_pid=$!
  # Active and the snapshot's marker gone: the slot is also active for a moment while it is
  # created, before the snapshot (a run stopped then would drop it, and time nothing).
  until [ "$(sql -c "select bool_and(slot_name = '$slot' and active) from pg_replication_slots
                     where slot_name in ('$slot', '${slot}_snapshot_pending')")" = t ]; do
    kill -0 "$host_pid" 2>/dev/null || { say "popyka-host ended early (config $work/$slot.yaml)"; exit 1; }
    sleep 0.05
  done
  elapsed=$(echo "$(now) - $t0" | bc -l)
  cpu=$(cpu_seconds "$host_pid")
  rss=$(peak_rss_mib "$host_pid")
  # The mock cluster runs on the same cores: its CPU is part of where a Kafka run's time goes.
  broker_cpu=""
  [ -n "$kafka_pid" ] && broker_cpu=$(cpu_seconds "$kafka_pid")
  kill -TERM "$host_pid"; wait "$host_pid" || true; host_pid=""
  if [ -n "$kafka_pid" ]; then kill -TERM "$kafka_pid"; wait "$kafka_pid" 2>/dev/null || true; kafka_pid=""; fi
  sql -c "select pg_drop_replication_slot('$slot')" >/dev/null
  if [ -n "${PROFILE:-}" ]; then
    echo "--- popyka-host's CPU by thread ($slot): popyka-host is the pipeline thread, rdk:* librdkafka's"
    { perf report -q -i "$work/$slot.perf" --no-children -g none --sort comm 2>/dev/null | grep -v '^$' | head -n 6; } || true
    echo "--- where popyka-host's CPU went ($slot): top symbols, self time"
    { perf report -q -i "$work/$slot.perf" --no-children -g none --sort dso,symbol 2>/dev/null | grep -v '^$' | head -n 25; } || true
  fi
}

all_names=(copy "log_1" "log_$PARALLEL" "kafka_$PARALLEL")
all_labels=("COPY t TO STDOUT (psql, to /dev/null)" "popyka-host, LogChangeProcessor, 1 connection"
  "popyka-host, LogChangeProcessor, $PARALLEL connections" "popyka-host, Kafka (mock), $PARALLEL connections")
names=() labels=()
for idx in "${!all_names[@]}"; do
  name=${all_names[$idx]}
  if [ "$name" = copy ] || [ -z "${ONLY:-}" ] || [[ " ${ONLY//_N/_$PARALLEL} " == *" $name "* ]]; then
    names+=("$name") labels+=("${all_labels[$idx]}")
  fi
done
declare -A times cpus rsss
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$RUNS"); do
  for name in "${names[@]}"; do
    case "$name" in
      copy) run_copy ;;
      log_*) run_popyka log "${name#log_}" "bench_${name}_$i" ;;
      kafka_*) run_popyka kafka "${name#kafka_}" "bench_${name}_$i" ;;
    esac
    times[$name]+="$elapsed " cpus[$name]+="${cpu:-0} " rsss[$name]+="${rss:-0} "
    printf 'run %s %-8s %7.2f s%s%s\n' "$i" "$name" "$elapsed" "${cpu:+, CPU $(printf '%.2f' "$cpu") s, peak RSS $(printf '%.0f' "$rss") MiB}" \
      "${broker_cpu:+, mock Kafka CPU $(printf '%.2f' "$broker_cpu") s}"
  done
done
copy_s=$(echo "${times[copy]}" | tr ' ' '\n' | grep . | median)
echo
printf '%-55s %9s %12s %8s %8s %9s\n' "medians of $RUNS, $ROWS rows" seconds "rows/s" "ratio" "CPU s" "RSS MiB"
for idx in "${!names[@]}"; do
  name=${names[$idx]}
  s=$(echo "${times[$name]}" | tr ' ' '\n' | grep . | median)
  c=$(echo "${cpus[$name]}" | tr ' ' '\n' | grep . | median)
  r=$(echo "${rsss[$name]}" | tr ' ' '\n' | grep . | median)
  printf '%-55s %9.2f %12.0f %8.3f %8.2f %9.0f\n' "${labels[$idx]}" "$s" "$(echo "$ROWS / $s" | bc -l)" \
    "$(echo "$copy_s / $s" | bc -l)" "$c" "$r"
done
if [[ " ${names[*]} " == *" kafka_"* ]]; then
  # The floor under the Kafka run: librdkafka alone producing as many messages of the R rows'
  # average size (705 bytes for this table, measured from LogChangeProcessor's lines), keyed, with
  # the `lsn` header, the processor's defaults, to a fresh mock cluster on the same cores.
  start_mock_kafka floor 4
  echo "librdkafka alone, the same $ROWS messages (popyka-bench-produce): $("$build/bin/popyka-bench-produce" "$bootstrap" popyka "$ROWS" 705)"
  kill -TERM "$kafka_pid"; wait "$kafka_pid" 2>/dev/null || true; kafka_pid=""
fi
echo "(ratio: COPY time / this time; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
