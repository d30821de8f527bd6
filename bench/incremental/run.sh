#!/usr/bin/env bash
# Incremental snapshot benchmark (issue 29): how fast popyka-host reads a big table beside the
# stream, against PostgreSQL's own `COPY t TO STDOUT`, and what it adds to the stream's latency.
# Run by hand (bench/README.md), never by CI.
#
#   bench/incremental/run.sh
#   ROWS=200000 RATE=100 BASELINE_S=10 bench/incremental/run.sh   # a quick try
#
# What it does, all under one `mktemp -d` directory removed at the end:
#  1. builds what it needs (Release, in $POPYKA_BENCH_BUILD_DIR, default build-bench;
#     POPYKA_BENCH_NO_BUILD=1 skips it), starts a throwaway PostgreSQL 15 and loads table t: ROWS
#     rows of the benchmarks' 10 columns (bench_lib.sh, as bench/snapshot);
#  2. COPY: `psql -c "COPY t TO STDOUT" >/dev/null`, 3 times, the median is the reference;
#  3. starts popyka-host streaming a fresh slot (IgnoreTxFilter; LogChangeProcessor, compact, its
#     lines dropped by grep; and table `lat`'s rows alone also into the mock Kafka), then:
#     a. the snapshot alone: a `popyka.signal` message asks for public.t; its time is the one
#        popyka-host logs when it is done (from the start of the read to the last row handed
#        on): rows/s, the ratio to COPY; popyka-host's peak RSS (VmHWM) after it;
#     b. the stream alone: pgbench commits single-row inserts into `lat` at RATE a second for
#        BASELINE_S seconds; each row carries its insert time (clock_timestamp(), in autocommit:
#        the commit follows within microseconds);
#     c. the same writer while a second snapshot of t runs, from its signal until it is done.
#     Delivery time: when a Kafka consumer (kcat, fetch.wait.max.ms=5) has the row's message,
#     by the wall clock of a perl filter reading kcat's output (the same machine's as the
#     server's); not LogChangeProcessor's output, which is written out in blocks up to a second
#     apart. Prints p50, p99 and max of commit-to-delivery for b and for c.
#
# Environment: ROWS (1000000), RATE (200), BASELINE_S (20), CHUNK (snapshot_chunk_size; default
# popyka's own), POPYKA_BENCH_BUILD_DIR (build-bench), POPYKA_BENCH_NO_BUILD, POPYKA_BENCH_KEEP=1
# keeps the directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
ROWS=${ROWS:-1000000}
RATE=${RATE:-200}
BASELINE_S=${BASELINE_S:-20}
CHUNK=${CHUNK:-}
build=${POPYKA_BENCH_BUILD_DIR:-$repo/build-bench}
pgbin=/usr/lib/postgresql/15/bin

say() { echo "bench: $*" >&2; }

# shellcheck source=../bench_lib.sh
source "$repo/bench/bench_lib.sh"
build_popyka
require_programs "$pgbin/psql" "$pgbin/pgbench" /usr/bin/kcat

work=$(mktemp -d /tmp/popyka-bench-incremental-XXXXXX)
host_pid="" writer_pid="" consumer_pid="" kafka_pid="" postgres_pid=""
cleanup() {
  trap - EXIT INT TERM
  for pid in $writer_pid $host_pid $consumer_pid $kafka_pid $postgres_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${POPYKA_BENCH_KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
start_postgres
load_wide_table t "$ROWS"
sql -c "create table lat(id bigserial primary key, committed_at float8 not null default extract(epoch from clock_timestamp()))"
echo "insert into lat default values;" >"$work/lat.sql"

copies=""
for i in 1 2 3; do
  time_copy t
  copies+="$elapsed "
  printf 'COPY run %s: %.2f s\n' "$i" "$elapsed"
done
copy_s=$(echo "$copies" | tr ' ' '\n' | grep . | median)

# popyka-host, streaming from a slot it creates: every change to LogChangeProcessor (its lines
# dropped by grep, the rest of its log kept), and `lat`'s rows also to Kafka (the mock cluster), where kcat reads them as they
# come and a perl filter notes when.
start_mock_kafka incremental 1
metrics_port=$(free_port)
cat >"$work/popyka.yaml" <<YAML
database:
  connect_url: "host=127.0.0.1 port=$port dbname=bench user=postgres"
  slot_name: bench_incremental
  status_interval_s: 1
${CHUNK:+  snapshot_chunk_size: $CHUNK}
filters: [{class: popyka.builtin.filters.IgnoreTxFilter}]
processors:
  - class: popyka.builtin.processors.LogChangeProcessor
  - class: popyka.builtin.processors.ProduceToKafkaProcessor
    filters: [{class: popyka.builtin.filters.TableNameIgnoreFilter, config: {ignore_regex: t}}]
    config:
      topic: popyka
      producer_config: {"bootstrap.servers": "$bootstrap", "client.id": "popyka-bench", "linger.ms": "0"}
YAML
delivery_filter='$| = 1; if (/"name":"committed_at"[^}]*"value":([0-9.eE+-]+)/) { printf "%.6f %.6f\n", $1, time() - $1 }'
kcat -C -b "$bootstrap" -t popyka -o end -u -q -X fetch.wait.max.ms=5 -f '%s\n' 2>"$work/kcat.log" \
  > >(perl -MTime::HiRes=time -ne "$delivery_filter" >"$work/delivered") &
consumer_pid=$!
POPYKA_CONFIG="$work/popyka.yaml" POPYKA_PLUGIN_PATH="" POPYKA_COMPACT_DUMP=1 POPYKA_METRICS_LISTEN="127.0.0.1:$metrics_port" \
  "$build/bin/popyka-host" 2> >(grep --line-buffered -v 'LogChangeProcessor: {' >"$work/host.log") &
host_pid=$!
until [ "$(sql -c "select count(*) from pg_replication_slots where slot_name = 'bench_incremental' and active")" = 1 ]; do
  kill -0 "$host_pid" 2>/dev/null || { say "popyka-host ended early (config $work/popyka.yaml)"; exit 1; }
  sleep 0.05
done

# The sum of a metric family's samples (every table's).
metric() {
  curl -s "http://127.0.0.1:$metrics_port/metrics" |
    awk -v n="$1" 'index($1, n) == 1 && (length($1) == length(n) || substr($1, length(n) + 1, 1) == "{") {s += $2} END {printf "%d\n", s}'
}

# Asks for a snapshot of t and waits for the engine's line saying it is done (the log without
# LogChangeProcessor's lines). Sets snapshot_s: the engine's own time, from the start of the
# read to the last row handed on (its log is written out up to a second late).
snapshot_t() {
  local polls=0 done_line
  sql -c "select pg_logical_emit_message(true, 'popyka.signal', '{\"id\": \"bench-$1\", \"type\": \"execute-snapshot\", \"data\": {\"data-collections\": [\"public.t\"]}}')" >/dev/null
  until done_line=$(grep -m1 "incremental snapshot bench-$1: done, " "$work/host.log"); do
    kill -0 "$host_pid" 2>/dev/null || { say "popyka-host ended during the snapshot (log: $work/host.log)"; exit 1; }
    (( ++polls % 200 == 0 )) && say "snapshot $1: $(metric popyka_incremental_snapshot_rows_total) rows"
    sleep 0.05
  done
  [[ "$done_line" == *" $ROWS row(s) in "* ]] || { say "not every row: $done_line"; exit 1; }
  snapshot_s=$(sed -E 's/.* row\(s\) in ([0-9.]+)s .*/\1/' <<<"$done_line")
}

# a. The snapshot alone.
snapshot_t alone
alone_s=$snapshot_s
rss=$(peak_rss_mib "$host_pid")
printf 'incremental snapshot alone: %.2f s\n' "$alone_s"

# b. The stream alone, then c. the stream beside a snapshot.
b0=$(now)
PGOPTIONS="-c synchronous_commit=on" "$pgbin/pgbench" -n -h 127.0.0.1 -p "$port" -U postgres -c 1 -R "$RATE" -T "$BASELINE_S" -f "$work/lat.sql" bench >"$work/pgbench_b.log" 2>&1
b1=$(now)
PGOPTIONS="-c synchronous_commit=on" "$pgbin/pgbench" -n -h 127.0.0.1 -p "$port" -U postgres -c 1 -R "$RATE" -T 3600 -f "$work/lat.sql" bench >"$work/pgbench_c.log" 2>&1 &
writer_pid=$!
until [ "$(sql -c "select count(*) > 0 from lat where committed_at > $b1")" = t ]; do sleep 0.05; done
c0=$(now)
snapshot_t beside_writer
c1=$(echo "$c0 + $snapshot_s" | bc -l)
kill -TERM "$writer_pid"; wait "$writer_pid" 2>/dev/null || true; writer_pid=""
written=$(sql -c "select count(*) from lat")
until [ "$(wc -l <"$work/delivered")" -ge "$written" ]; do
  kill -0 "$host_pid" 2>/dev/null || { say "popyka-host ended before delivering every lat row"; exit 1; }
  sleep 0.05
done

# p50, p99, max and count of commit-to-delivery (ms) of the rows committed in [$1, $2).
latency() {
  awk -v from="$1" -v to="$2" '$1 >= from && $1 < to {print $2 * 1000}' "$work/delivered" | sort -g |
    awk '{v[NR] = $1} END {if (NR == 0) {print "no rows"; exit} p99 = int(NR * 0.99); if (p99 < 1) p99 = 1
      printf "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d rows)", v[int((NR + 1) / 2)], v[p99], v[NR], NR}'
}

echo
printf '%-62s %8s %12s %8s\n' "$ROWS rows, 10 columns" seconds "rows/s" ratio
printf '%-62s %8.2f %12.0f %8s\n' "COPY t TO STDOUT (psql, to /dev/null), median of 3" "$copy_s" "$(echo "$ROWS / $copy_s" | bc -l)" 1
printf '%-62s %8.2f %12.0f %8.3f\n' "incremental snapshot, LogChangeProcessor (lines dropped by grep)" "$alone_s" \
  "$(echo "$ROWS / $alone_s" | bc -l)" "$(echo "$copy_s / $alone_s" | bc -l)"
printf '%-62s %8.2f %12.0f %8.3f\n' "the same beside a $RATE/s writer" "$snapshot_s" \
  "$(echo "$ROWS / $snapshot_s" | bc -l)" "$(echo "$copy_s / $snapshot_s" | bc -l)"
printf 'popyka-host peak RSS (VmHWM) after the first snapshot: %.0f MiB (chunk size %s)\n' "$rss" "${CHUNK:-default}"
echo "commit-to-delivery of single-row inserts at $RATE/s (delivery: the message read from the mock Kafka by kcat):"
echo "  stream alone:            $(latency "$b0" "$b1")"
echo "  during the snapshot:     $(latency "$c0" "$c1")"
echo "($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
