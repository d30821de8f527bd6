#!/usr/bin/env bash
# End-to-end benchmark: PostgreSQL 15 + wal2json -> popyka-host (IgnoreTxFilter +
# ProduceToKafkaProcessor) -> the local Kafka (librdkafka's mock cluster), side by side with
# pg_recvlogical writing the same WAL to /dev/null (the server's own decoding speed).
#
#   bench/end_to_end/run.sh
#
# What it does, all under one `mktemp -d` directory removed at the end:
#  1. builds popyka-host, the built-in plugins and popyka-mock-kafka (Release, in
#     $POPYKA_BENCH_BUILD_DIR, default build-bench; POPYKA_BENCH_NO_BUILD=1 skips it);
#  2. starts a throwaway PostgreSQL 15, or the major POPYKA_TEST_POSTGRES names (a directory
#     scripts/fetch-postgres filled; with OUTPUT_PLUGIN=pgoutput: those builds have no wal2json,
#     and pg_recvlogical and pgbench stay Debian's 15 clients) (popyka-throwaway-postgres, the tests' cluster, with
#     settings for a big workload; 127.0.0.1 only; wal_level=logical);
#  3. creates 2 x RUNS wal2json slots, then runs the workload: >= 500,000 row changes, inserts,
#     updates and deletes in transactions of mixed sizes (1 to 50 rows, 50,000, 200,000);
#  4. counts the row changes and finds the LSN of the workload's last commit with a third kind
#     of slot (test_decoding, which every server has; pg_logical_slot_get_changes, untimed);
#  5. RUNS times, alternately: pg_recvlogical on one slot, popyka-host on another (a fresh mock
#     Kafka each time), each timed from its start until its slot's confirmed_flush_lsn reaches
#     that LSN; popyka-host's CPU seconds and peak RSS (VmHWM) are read from /proc at that moment;
#  6. prints every run and the medians: changes/s of both, the ratio, CPU seconds, peak RSS.
#
# Both consumers ask for the same wal2json options (format-version 2, include-pk, include-xids,
# include-timestamp: what popyka-host always asks for, core/source/replication/output_plugin/wal2json_plugin.cpp)
# and send status updates every STATUS_INTERVAL seconds (default 1), which bounds how precisely
# the end is seen. pg_recvlogical gets -F 0: without it, it reports as flushed only what it
# fsynced, every 10 s (--fsync-interval), even to /dev/null, and looks up to 10 s slower.
#
# OUTPUT_PLUGIN=pgoutput: both consumers stream with pgoutput instead (publication `popyka` FOR
# ALL TABLES, proto_version 1, messages; popyka-host with database.output_plugin: pgoutput).
# Run the script once with each plugin to compare popyka-host/pgoutput with pg_recvlogical on
# wal2json and on pgoutput.
#
# Environment: RUNS (3), STATUS_INTERVAL (1), OUTPUT_PLUGIN (wal2json), POPYKA_BENCH_BUILD_DIR (build-bench),
# POPYKA_BENCH_NO_BUILD, POPYKA_BENCH_KEEP=1 keeps the directory (logs) for a look afterwards.
# For finding where time and memory go:
#   PRODUCER_CONFIG="linger.ms=20 queue.buffering.max.messages=10000"  extra librdkafka properties
#   PROCESSOR=noop   popyka-host with bench.processors.NoOp instead of Kafka (needs the
#                    benchmark build: -DPOPYKA_BUILD_BENCH=ON, target popyka-bench-components)
#   PERF_RECORD=/tmp/e2e.perf  `perf record -g` (or $PERF_OPTIONS, e.g. "--call-graph dwarf -F 300")
#                of each popyka-host run, into /tmp/e2e.perf.<run>
#   FORMAT=debezium  the Kafka processor writes Debezium's events (format: debezium) instead of
#                    wal2json's JSON; FORMAT=debezium-schemas adds JsonConverter's schemas
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
RUNS=${RUNS:-3}
STATUS_INTERVAL=${STATUS_INTERVAL:-1}
PROCESSOR=${PROCESSOR:-kafka}
FORMAT=${FORMAT:-wal2json}
case "$FORMAT" in
  wal2json | debezium | debezium-schemas) ;;
  *) echo "bench: FORMAT must be wal2json, debezium or debezium-schemas" >&2; exit 1 ;;
esac
OUTPUT_PLUGIN=${OUTPUT_PLUGIN:-wal2json}
case "$OUTPUT_PLUGIN" in
  wal2json) recv_options=(-o format-version=2 -o include-pk=1 -o include-xids=1 -o include-timestamp=1) ;;
  pgoutput) recv_options=(-o proto_version=1 -o publication_names=popyka -o messages=true) ;;
  *) echo "bench: OUTPUT_PLUGIN must be wal2json or pgoutput" >&2; exit 1 ;;
esac
PRODUCER_CONFIG=${PRODUCER_CONFIG:-}
build=${POPYKA_BENCH_BUILD_DIR:-$repo/build-bench}
pgbin=/usr/lib/postgresql/15/bin

say() { echo "bench: $*" >&2; }

# shellcheck source=../bench_lib.sh
source "$repo/bench/bench_lib.sh"
build_popyka
if [ -z "${POPYKA_BENCH_NO_BUILD:-}" ] && [ "$PROCESSOR" = noop ]; then
  cmake -S "$repo" -B "$build" -DPOPYKA_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" -j"$(nproc)" --target popyka-bench-components >/dev/null
fi
require_programs "$pgbin/pg_recvlogical"

work=$(mktemp -d /tmp/popyka-bench-XXXXXX)
bg_pids=()
kafka_pid=""
postgres_pid=""

cleanup() {
  trap - EXIT INT TERM
  for pid in "${bg_pids[@]}" $kafka_pid $postgres_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${bg_pids[@]}" $kafka_pid $postgres_pid; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${POPYKA_BENCH_KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

# --- PostgreSQL ---------------------------------------------------------------------------
start_postgres

sql <<'SQL'
create table orders(
  id bigserial primary key,
  customer_id bigint not null,
  status varchar(20) not null,
  amount numeric(10,2),
  quantity integer,
  paid boolean not null default false,
  tags text[],
  details jsonb,
  note text,
  created_at timestamptz not null default now());
SQL

# --- slots, then the workload ---------------------------------------------------------------
say "creating $((2 * RUNS)) $OUTPUT_PLUGIN slots and one test_decoding slot for counting"
[ "$OUTPUT_PLUGIN" = pgoutput ] && sql -c "create publication popyka for all tables" >/dev/null
for i in $(seq "$RUNS"); do
  sql -c "select pg_create_logical_replication_slot('recv_$i', '$OUTPUT_PLUGIN')" >/dev/null
  sql -c "select pg_create_logical_replication_slot('popyka_$i', '$OUTPUT_PLUGIN')" >/dev/null
done
sql -c "select pg_create_logical_replication_slot('counting', 'test_decoding')" >/dev/null

pgbench() { "$pgbin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c 1 "$@" bench >>"$work/pgbench.log" 2>&1; }
cols="customer_id, status, amount, quantity, paid, tags, details, note"
vals="100000 + g % 50000, 'new', (g % 100000) / 100.0, 1 + g % 20, false, array['gift', 'express'],
      jsonb_build_object('channel', 'web', 'coupon', 'C' || g % 9999, 'items', 1 + g % 20),
      case when g % 3 = 0 then 'customer asked for delivery after 5 pm, call first' end"
started=$SECONDS
say "workload: one transaction of 200,000 inserts"
sql -c "insert into orders($cols) select $vals from generate_series(1, 200000) g"
say "workload: 20,000 transactions of 1 to 10 inserts"
cat >"$work/inserts.sql" <<EOF
\set n random(1, 10)
insert into orders($cols) select $vals from generate_series(1, :n) g;
EOF
pgbench -f "$work/inserts.sql" -t 20000
say "workload: 2,500 transactions of up to 50 updates"
cat >"$work/updates.sql" <<'EOF'
\set id random(1, 300000)
\set last :id + 49
update orders set status = 'paid', paid = true, amount = amount + 1 where id between :id and :last;
EOF
pgbench -f "$work/updates.sql" -t 2500
say "workload: one transaction of 50,000 updates"
sql -c "update orders set status = 'shipped', note = 'left the warehouse' where id % 6 = 0 and id <= 300000"
say "workload: 5,000 transactions of up to 20 deletes"
cat >"$work/deletes.sql" <<'EOF'
\set id random(1, 300000)
\set last :id + random(0, 19)
delete from orders where id between :id and :last;
EOF
pgbench -f "$work/deletes.sql" -t 5000
say "workload: one transaction of about 30,000 deletes"
sql -c "delete from orders where id % 10 = 7 and id <= 300000"
say "workload written in $((SECONDS - started)) s; counting its row changes (untimed)"

read -r changes end_lsn < <(sql -F ' ' -c "
  select count(*) filter (where data ~ '^table [^ ]+: (INSERT|UPDATE|DELETE):'), max(lsn)
  from pg_logical_slot_get_changes('counting', null, null)")
sql -c "select pg_drop_replication_slot('counting')" >/dev/null
say "$changes row changes, the last commit ends at $end_lsn"
[ "$changes" -ge 500000 ] || say "WARNING: fewer than 500,000 row changes"

# --- the runs -----------------------------------------------------------------------------
reached() { [ "$(sql -c "select confirmed_flush_lsn >= '$end_lsn'::pg_lsn from pg_replication_slots where slot_name = '$1'")" = t ]; }
# Waits until the slot reaches the end or the process ends; 0 when reached.
wait_for_end() {
  local slot=$1 pid=$2
  while ! reached "$slot"; do
    if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
}
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
walsender_of() { sql -c "select active_pid from pg_replication_slots where slot_name = '$1'"; }

# Both set globals (not in a subshell, so the cleanup trap knows their processes).
run_recvlogical() {  # sets recv_s, recv_cpu, recv_wal_cpu
  local i=$1 t0 t1 pid wal_pid
  t0=$(now)
  "$pgbin/pg_recvlogical" -h 127.0.0.1 -p "$port" -U postgres -d bench --slot "recv_$i" --start --no-loop \
    -f /dev/null -s "$STATUS_INTERVAL" -F 0 "${recv_options[@]}" 2>"$work/recvlogical_$i.log" &
  pid=$!
  bg_pids=("$pid")
  wait_for_end "recv_$i" "$pid" || { say "pg_recvlogical ended early:"; cat "$work/recvlogical_$i.log" >&2; exit 1; }
  t1=$(now)
  recv_cpu=$(cpu_seconds "$pid")
  wal_pid=$(walsender_of "recv_$i")
  recv_wal_cpu=$(cpu_seconds "$wal_pid")
  stop "$pid"
  bg_pids=()
  recv_s=$(echo "$t1 - $t0" | bc -l)
}

run_popyka() {  # sets popyka_s, cpu (seconds), rss (KiB), popyka_wal_cpu
  local i=$1 t0 t1 pid bootstrap wal_pid
  start_mock_kafka "$i" 1
  {
    cat <<EOF
database:
  connect_url: "host=127.0.0.1 port=$port dbname=bench user=postgres"
  slot_name: popyka_$i
  output_plugin: $OUTPUT_PLUGIN
  status_interval_s: $STATUS_INTERVAL
filters:
  - class: popyka.builtin.filters.IgnoreTxFilter
    config: {}
processors:
EOF
    if [ "$PROCESSOR" = noop ]; then
      echo "  - class: bench.processors.NoOp"
      echo "    config: {}"
    else
      cat <<EOF
  - class: popyka.builtin.processors.ProduceToKafkaProcessor
    filters: []
    error_handlers:
      - class: popyka.builtin.error_handlers.RetryProcessor
        config: {}
    config:
      topic: popyka
      producer_config:
        "bootstrap.servers": "$bootstrap"
        "client.id": "popyka-bench"
EOF
      for property in $PRODUCER_CONFIG; do echo "        \"${property%%=*}\": \"${property#*=}\""; done
      if [ "$FORMAT" != wal2json ]; then
        printf '      format: debezium\n      topic_prefix: bench\n      database_name: bench\n'
        if [ "$FORMAT" = debezium-schemas ]; then printf '      schemas: true\n'; fi
      fi
    fi
  } >"$work/popyka_$i.yaml"
  local plugin_path=""
  [ "$PROCESSOR" = noop ] && plugin_path=$build/bench-plugins
  t0=$(now)
  POPYKA_CONFIG="$work/popyka_$i.yaml" POPYKA_PLUGIN_PATH="$plugin_path" "$build/bin/popyka-host" 2>"$work/popyka_$i.log" &
  pid=$!
  bg_pids=("$pid")
  if [ -n "${PERF_RECORD:-}" ]; then perf record ${PERF_OPTIONS:--g} -o "$PERF_RECORD.$i" -p "$pid" 2>/dev/null & fi
  wait_for_end "popyka_$i" "$pid" || { say "popyka-host ended early:"; tail -n 20 "$work/popyka_$i.log" >&2; exit 1; }
  t1=$(now)
  cpu=$(cpu_seconds "$pid")
  wal_pid=$(walsender_of "popyka_$i")
  popyka_wal_cpu=$(cpu_seconds "$wal_pid")
  rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
  stop "$pid"
  bg_pids=()
  stop "$kafka_pid"
  kafka_pid=""
  popyka_s=$(echo "$t1 - $t0" | bc -l)
}


recv_rates=() popyka_rates=() ratios=() cpus=() rsss=() recv_cpus=() recv_wal_cpus=() popyka_wal_cpus=()
echo "changes/s from each start until its slot's confirmed_flush_lsn reached the end; CPU seconds over that time;"
echo "walsender: the server process decoding for that consumer"
printf '%-6s %16s %14s %6s | %12s %10s | %13s %11s %11s\n' run "pg_recvlogical/s" "popyka-host/s" ratio "popyka CPU s" "peak RSS MiB" \
  "recvlogical CPU" "its walsndr" "popyka's walsndr"
for i in $(seq "$RUNS"); do
  run_recvlogical "$i"
  run_popyka "$i"
  recv_rate=$(echo "$changes / $recv_s" | bc -l)
  popyka_rate=$(echo "$changes / $popyka_s" | bc -l)
  ratio=$(echo "$popyka_rate / $recv_rate" | bc -l)
  rss_mib=$(echo "$rss / 1024" | bc -l)
  recv_rates+=("$recv_rate") popyka_rates+=("$popyka_rate") ratios+=("$ratio") cpus+=("$cpu") rsss+=("$rss_mib")
  recv_cpus+=("$recv_cpu") recv_wal_cpus+=("$recv_wal_cpu") popyka_wal_cpus+=("$popyka_wal_cpu")
  printf '%-6s %16.0f %14.0f %6.3f | %12.2f %10.1f | %13.2f %11.2f %11.2f\n' "$i" "$recv_rate" "$popyka_rate" "$ratio" "$cpu" "$rss_mib" \
    "$recv_cpu" "$recv_wal_cpu" "$popyka_wal_cpu"
done
m() { printf '%s\n' "$@" | median; }
printf '%-6s %16.0f %14.0f %6.3f | %12.2f %10.1f | %13.2f %11.2f %11.2f\n' median "$(m "${recv_rates[@]}")" "$(m "${popyka_rates[@]}")" \
  "$(m "${ratios[@]}")" "$(m "${cpus[@]}")" "$(m "${rsss[@]}")" "$(m "${recv_cpus[@]}")" "$(m "${recv_wal_cpus[@]}")" "$(m "${popyka_wal_cpus[@]}")"
echo "elapsed (median): pg_recvlogical $(echo "$changes / $(m "${recv_rates[@]}")" | bc -l | xargs printf '%.2f') s, popyka-host $(echo "$changes / $(m "${popyka_rates[@]}")" | bc -l | xargs printf '%.2f') s"
echo "($changes row changes per run; output plugin: $OUTPUT_PLUGIN; popyka-host processor: $PROCESSOR${PRODUCER_CONFIG:+ ($PRODUCER_CONFIG)}, format: $FORMAT; status updates every ${STATUS_INTERVAL} s; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
