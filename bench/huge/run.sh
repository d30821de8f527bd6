#!/usr/bin/env bash
# Huge values and huge transactions (issue 19): popyka-host's memory on one change carrying a
# VALUE_MIB value, and on one transaction of TX_ROWS row changes. Run by hand (bench/README.md),
# never by CI.
#
#   bench/huge/run.sh                  # both parts
#   PART=values bench/huge/run.sh      # only the huge values; PART=tx: only the huge transaction
#   VALUE_MIB=10 TX_ROWS=200000 bench/huge/run.sh   # a quick try
#
# 1. values: for each kind (text, bytea, jsonb) and each processor (LogChangeProcessor, indented
#    as by default, to a log file; ProduceToKafkaProcessor with message.max.bytes 1000000000 to
#    popyka-mock-kafka), a fresh slot, one INSERT of a row with a VALUE_MIB value (text:
#    repeat('x'); bytea: that many bytes, which wal2json writes as hex, twice as long; jsonb: an
#    object with one string member), then popyka-host from that slot until the slot's
#    confirmed_flush_lsn is past the insert. Prints the message wal2json sent (bytes), popyka-host's
#    peak RSS (VmHWM) and its RSS afterwards (VmRSS), and the peak as a multiple of the value and of
#    the message. The Kafka runs check the message arrived (the topic's end offset).
# 2. tx: one transaction of TX_ROWS inserts into a 10-column table (bench/end_to_end's), streamed
#    by popyka-host (IgnoreTxFilter, ProduceToKafkaProcessor with RetryProcessor, defaults) to
#    popyka-mock-kafka. Samples VmRSS and the changes received and in flight (popyka-host's
#    /metrics) every SAMPLE_S seconds until the slot is confirmed past the commit; prints the
#    samples, the peak RSS, and the messages in Kafka (the topic's end offset), which must be
#    TX_ROWS.
#
# Environment: PART (all), VALUE_MIB (100), TX_ROWS (2000000), SAMPLE_S (2), POPYKA_BENCH_BUILD_DIR
# (build-bench), POPYKA_BENCH_NO_BUILD, POPYKA_BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
PART=${PART:-all}
VALUE_MIB=${VALUE_MIB:-100}
TX_ROWS=${TX_ROWS:-2000000}
SAMPLE_S=${SAMPLE_S:-2}
build=${POPYKA_BENCH_BUILD_DIR:-$repo/build-bench}
pgbin=/usr/lib/postgresql/15/bin
value_bytes=$((VALUE_MIB * 1024 * 1024))

say() { echo "bench: $*" >&2; }

if [ -z "${POPYKA_BENCH_NO_BUILD:-}" ]; then
  say "building popyka-host, plugins and popyka-mock-kafka in $build"
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target popyka-host popyka-mock-kafka popyka-throwaway-postgres popyka_kafka_plugin \
    popyka-builtin-filters popyka-builtin-error-handlers popyka-log-change >/dev/null
fi

work=$(mktemp -d /tmp/popyka-huge-XXXXXX)
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${POPYKA_BENCH_KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

# Starts `$@` in the background with its first stdout line (an address) in $first_line.
start_announcing() {
  local out=$1
  shift
  "$@" >"$out" 2>"$out.log" &
  pids+=("$!")
  for _ in $(seq 300); do [ -s "$out" ] && break; sleep 0.1; done
  [ -s "$out" ] || { say "$1 did not start:"; cat "$out.log" >&2; exit 1; }
  first_line=$(head -n1 "$out")
}

# Room for the huge transaction's WAL and the decoded values.
start_announcing "$work/postgres.out" "$build/bin/popyka-throwaway-postgres" --set "shared_buffers = 512MB" \
  --set "max_wal_size = 16GB" --set "checkpoint_timeout = 1h" --set "synchronous_commit = off"
port=$(sed -E 's|.*:([0-9]+)/.*|\1|' <<<"$first_line")
say "PostgreSQL 15 on 127.0.0.1:$port"
psql_admin() { "$pgbin/psql" -X -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
psql_admin -d postgres -c "create database bench"
sql() { psql_admin -d bench "$@"; }

lsn_now() { sql -c "select pg_current_wal_insert_lsn()"; }
confirmed_past() { [ "$(sql -c "select confirmed_flush_lsn >= '$2'::pg_lsn from pg_replication_slots where slot_name = '$1'")" = t ]; }
kafka_end_offset() { kcat -b "$1" -Q -t "$2:0:-1" 2>/dev/null | awk '{print $NF}'; }
status_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
mib() { echo "scale=1; $1 / 1024" | bc; }

# popyka-host on slot $1 with the processor YAML in $2 (indented for `processors:`), filters $3;
# its pid in $host_pid.
start_host() {
  local slot=$1 processors=$2 filters=$3 log=$4
  cat >"$work/$slot.yaml" <<EOF
database:
  connect_url: "host=127.0.0.1 port=$port dbname=bench user=postgres"
  slot_name: $slot
  status_interval_s: 1
filters: $filters
processors:
$processors
EOF
  POPYKA_CONFIG="$work/$slot.yaml" POPYKA_METRICS_LISTEN="127.0.0.1:$metrics_port" "$build/bin/popyka-host" 2>"$log" &
  host_pid=$!
  pids+=("$host_pid")
}
stop_host() { kill -TERM "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; }
wait_confirmed() {  # slot, lsn: until confirmed past it; fails when popyka-host ends first
  while ! confirmed_past "$1" "$2"; do
    kill -0 "$host_pid" 2>/dev/null || { say "popyka-host ended early:"; tail -c 2000 "$3" >&2; exit 1; }
    sleep 0.2
  done
}
metrics_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

kafka_yaml() {  # topic, bootstrap, extra producer properties (YAML lines)
  cat <<EOF
  - class: popyka.builtin.processors.ProduceToKafkaProcessor
    error_handlers:
      - class: popyka.builtin.error_handlers.RetryProcessor
    config:
      topic: $1
      producer_config:
        bootstrap.servers: "$2"
        client.id: popyka-bench
$3
EOF
}

run_values() {
  sql -c "create table huge(id int primary key, t text, b bytea, j jsonb)"
  echo "one change carrying a $VALUE_MIB MiB value ($value_bytes bytes): popyka-host's peak RSS (VmHWM), and its RSS once done"
  printf '%-6s %-10s %14s | %13s %9s %9s | %12s\n' kind processor "message bytes" "peak RSS MiB" "x value" "x message" "RSS after MiB"
  local id=0
  for kind in text bytea jsonb; do
    case $kind in
      text) column=t value="repeat('x', $value_bytes)" ;;
      bytea) column=b value="decode(repeat('ab', $value_bytes), 'hex')" ;;
      jsonb) column=j value="jsonb_build_object('data', repeat('x', $value_bytes - 12))" ;;
    esac
    for processor in log kafka; do
      id=$((id + 1))
      local slot="huge_${kind}_$processor" log="$work/huge_${kind}_$processor.log" bootstrap="" processors
      sql -c "select pg_create_logical_replication_slot('$slot', 'wal2json')" >/dev/null
      # Flushed at once (the cluster runs with synchronous_commit off): decoding reads flushed WAL only.
      sql -c "set synchronous_commit = on; insert into huge(id, $column) select $id, $value" >/dev/null
      local end message_bytes
      end=$(lsn_now)
      message_bytes=$(sql -c "select max(octet_length(data)) from pg_logical_slot_peek_changes('$slot', null, null, 'format-version', '2', 'include-pk', '1', 'include-xids', '1', 'include-timestamp', '1')")
      if [ $processor = log ]; then
        processors="  - class: popyka.builtin.processors.LogChangeProcessor"
      else
        start_announcing "$work/kafka_$slot.out" "$build/bin/popyka-mock-kafka" --no-stdin --topic "$slot:1"
        bootstrap=$first_line
        processors=$(kafka_yaml "$slot" "$bootstrap" '        message.max.bytes: "1000000000"')
      fi
      start_host "$slot" "$processors" "[{class: popyka.builtin.filters.IgnoreTxFilter}]" "$log"
      wait_confirmed "$slot" "$end" "$log"
      local peak after
      peak=$(status_kib "$host_pid" VmHWM)
      after=$(status_kib "$host_pid" VmRSS)
      stop_host
      if [ $processor = kafka ]; then
        [ "$(kafka_end_offset "$bootstrap" "$slot")" = 1 ] || { say "$slot: the change is not in Kafka"; exit 1; }
      else
        [ "$(stat -c %s "$log")" -gt "$value_bytes" ] || { say "$slot: the value is not in the log"; exit 1; }
      fi
      rm -f "$log"
      sql -c "select pg_drop_replication_slot('$slot'); delete from huge" >/dev/null
      printf '%-6s %-10s %14s | %13s %9.2f %9.2f | %12s\n' "$kind" "$processor" "$message_bytes" "$(mib "$peak")" \
        "$(echo "$peak * 1024 / $value_bytes" | bc -l)" "$(echo "$peak * 1024 / $message_bytes" | bc -l)" "$(mib "$after")"
    done
  done
}

run_tx() {
  sql <<'SQL'
create table orders(
  id bigserial primary key, customer_id bigint not null, status varchar(20) not null, amount numeric(10,2),
  quantity integer, paid boolean not null default false, tags text[], details jsonb, note text,
  created_at timestamptz not null default now());
SQL
  sql -c "select pg_create_logical_replication_slot('huge_tx', 'wal2json')" >/dev/null
  say "one transaction of $TX_ROWS inserts"
  local started=$SECONDS end bootstrap
  sql -c "insert into orders(customer_id, status, amount, quantity, paid, tags, details, note)
          select 100000 + g % 50000, 'new', (g % 100000) / 100.0, 1 + g % 20, false, array['gift', 'express'],
                 jsonb_build_object('channel', 'web', 'coupon', 'C' || g % 9999, 'items', 1 + g % 20),
                 case when g % 3 = 0 then 'customer asked for delivery after 5 pm, call first' end
          from generate_series(1, $TX_ROWS) g"
  end=$(lsn_now)
  say "written in $((SECONDS - started)) s; streaming it"
  start_announcing "$work/kafka_tx.out" "$build/bin/popyka-mock-kafka" --no-stdin --topic "orders:1"
  bootstrap=$first_line
  local log="$work/huge_tx.log" t0=$SECONDS
  start_host huge_tx "$(kafka_yaml orders "$bootstrap" "")" "[{class: popyka.builtin.filters.IgnoreTxFilter}]" "$log"
  echo "one transaction of $TX_ROWS row changes through Kafka: popyka-host every $SAMPLE_S s"
  printf '%8s %10s %12s %12s\n' "seconds" "RSS MiB" "received" "in flight"
  local metrics received in_flight
  while ! confirmed_past huge_tx "$end"; do
    kill -0 "$host_pid" 2>/dev/null || { say "popyka-host ended early:"; tail -c 2000 "$log" >&2; exit 1; }
    metrics=$(curl -s "http://127.0.0.1:$metrics_port/metrics" || true)
    received=$(awk '/^popyka_changes_received_total\{action="I"\}/ {print $2}' <<<"$metrics")
    in_flight=$(awk '/^popyka_deliveries_in_flight/ {print $2}' <<<"$metrics")
    printf '%8d %10s %12s %12s\n' $((SECONDS - t0)) "$(mib "$(status_kib "$host_pid" VmRSS)")" "${received:-?}" "${in_flight:-?}"
    sleep "$SAMPLE_S"
  done
  local peak elapsed=$((SECONDS - t0)) delivered
  peak=$(status_kib "$host_pid" VmHWM)
  stop_host
  delivered=$(kafka_end_offset "$bootstrap" orders)
  echo "confirmed past the commit after ${elapsed} s; peak RSS (VmHWM) $(mib "$peak") MiB; messages in Kafka: $delivered of $TX_ROWS"
  [ "$delivered" = "$TX_ROWS" ] || { say "not every change was delivered"; exit 1; }
}

case $PART in
  all) run_values; run_tx ;;
  values) run_values ;;
  tx) run_tx ;;
  *) say "PART must be all, values or tx"; exit 1 ;;
esac
echo "($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem:/ {print $2}') GiB; $(grep -m1 '^CMAKE_BUILD_TYPE' "$build/CMakeCache.txt" | cut -d= -f2) build)"
