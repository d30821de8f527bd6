#!/usr/bin/env bash
# Soak: popyka-host under a steady mixed workload for SOAK_MINUTES, through one PostgreSQL
# restart and one Kafka broker outage, then a check that every committed row change reached
# Kafka, while popyka-host's RSS and open file descriptors are sampled every minute.
# Run by hand (bench/README.md), never by CI: it takes SOAK_MINUTES plus a few.
#
#   bench/soak/run.sh                               # 30 minutes, ~500 row changes/s
#   SOAK_MINUTES=3 SOAK_OUTAGE_S=20 bench/soak/run.sh
#
# What it does:
#  1. builds popyka-host, its built-in plugins and the two helper tools in build-soak;
#  2. starts popyka-throwaway-postgres (PostgreSQL 15 + wal2json) and popyka-mock-kafka (with
#     stdin commands, for the outage), creates the tables of schema.sql, starts a kcat
#     consumer on the topic and popyka-host;
#  3. runs pgbench with the scripts in workload/ at SOAK_RATE row changes/s for SOAK_MINUTES;
#     at 1/3 of the time PostgreSQL is stopped (fast) and started again on the same data
#     directory and port; at 2/3 the broker is down for SOAK_OUTAGE_S seconds;
#  4. every minute prints popyka-host's RSS (VmRSS), open fds, the changes so far and the lag;
#  5. waits until the slot's confirmed_flush_lsn reaches the WAL position at the end of the
#     workload, stops popyka-host with SIGTERM, lets the consumer read to the end of the topic
#     and compares the (action, seq) of every message with the ledger the workload's triggers
#     wrote (schema.sql).
#
# Exits 1 when a change is missing (or one is in Kafka that was never committed), when
# popyka-host died, did not catch up or did not stop cleanly, or when its RSS was not flat: above
# SOAK_MAX_RSS_MIB at any minute, or grown by more than SOAK_MAX_RSS_GROWTH_PCT within a stretch
# without a broker outage (minute 3 to the outage, the first full minute after it to the end;
# minutes 1 and 2 are warm-up). An outage fills librdkafka's queue, and RSS keeps that
# high-water mark: a step, not a trend, which the memory bound covers (bench/README.md, 3).
#
# Environment: SOAK_MINUTES (30), SOAK_RATE (500 row changes/s aimed at), SOAK_OUTAGE_S (60),
# SOAK_PG_DOWN_S (5: seconds PostgreSQL stays stopped), SOAK_MAX_RSS_GROWTH_PCT (20),
# SOAK_MAX_RSS_MIB (64: the README's memory target),
# SOAK_CATCHUP_S (300), POPYKA_SOAK_BUILD_DIR (build-soak), POPYKA_SOAK_NO_BUILD,
# POPYKA_SOAK_KEEP=1 keeps the work directory (kept anyway when the soak fails).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
SOAK_MINUTES=${SOAK_MINUTES:-30}
SOAK_RATE=${SOAK_RATE:-500}
SOAK_OUTAGE_S=${SOAK_OUTAGE_S:-60}
SOAK_PG_DOWN_S=${SOAK_PG_DOWN_S:-5}
SOAK_MAX_RSS_GROWTH_PCT=${SOAK_MAX_RSS_GROWTH_PCT:-20}
SOAK_MAX_RSS_MIB=${SOAK_MAX_RSS_MIB:-64}
SOAK_CATCHUP_S=${SOAK_CATCHUP_S:-300}
build=${POPYKA_SOAK_BUILD_DIR:-$repo/build-soak}
pgbin=/usr/lib/postgresql/15/bin

say() { echo "soak: $*"; }
# The workload's scripts average about 10 row changes a transaction (see their first lines,
# weighted as below), so pgbench's --rate is in transactions/s.
tx_rate=$(( (SOAK_RATE + 5) / 10 ))
(( tx_rate >= 1 )) || { say "SOAK_RATE must be at least 10"; exit 1; }

if [ -z "${POPYKA_SOAK_NO_BUILD:-}" ]; then
  say "building popyka-host, its plugins and the helper tools in $build"
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPOPYKA_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target popyka-host popyka-mock-kafka popyka-throwaway-postgres popyka_kafka_plugin \
    popyka-builtin-filters popyka-builtin-error-handlers popyka-log-change >/dev/null
fi
for f in "$build/bin/popyka-host" "$build/bin/popyka-mock-kafka" "$build/bin/popyka-throwaway-postgres" "$pgbin/pgbench"; do
  [ -x "$f" ] || { say "missing $f"; exit 1; }
done
for tool in kcat jq; do
  command -v "$tool" >/dev/null || { say "needs $tool (apt-get install $tool)"; exit 1; }
done

work=$(mktemp -d /tmp/popyka-soak-XXXXXX)
popyka_pid="" workload_pid="" kcat_pid="" jq_pid="" kafka_pid="" postgres_pid=""
failed=0

cleanup() {
  trap - EXIT INT TERM
  # popyka-host first (it may still write to both), the servers last.
  for pid in $popyka_pid $workload_pid $kcat_pid $jq_pid $kafka_pid $postgres_pid; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$failed" != 0 ] || [ -n "${POPYKA_SOAK_KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM
trap 'failed=1' ERR

# --- PostgreSQL -----------------------------------------------------------------------------
# The throwaway cluster has no restart command, so the restart is pg_ctl on its data directory,
# as the owner of that directory (the tool runs the server as `postgres` when we are root).
"$build/bin/popyka-throwaway-postgres" >"$work/postgres.out" 2>"$work/postgres.err" &
postgres_pid=$!
for _ in $(seq 300); do [ -s "$work/postgres.out" ] && break; sleep 0.1; done
[ -s "$work/postgres.out" ] || { failed=1; say "PostgreSQL did not start:"; cat "$work/postgres.err"; exit 1; }
port=$(sed -E 's|.*:([0-9]+)/.*|\1|' "$work/postgres.out")
pgdir=$(sed -n 's/.* in \(.*\), stop with SIGTERM$/\1/p' "$work/postgres.err")
[ -d "$pgdir/data" ] || { failed=1; say "cannot find the cluster's directory in $work/postgres.err"; exit 1; }
as_pg_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
restart_postgres() {
  as_pg_owner "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w -t 120 stop >>"$work/pg_ctl.log" 2>&1
  sleep "$SOAK_PG_DOWN_S"
  as_pg_owner "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 120 start >>"$work/pg_ctl.log" 2>&1
}
psql_admin() { "$pgbin/psql" -X -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
psql_admin -d postgres -c "create database soak"
sql() { psql_admin -d soak "$@"; }
sql -f "$here/schema.sql" >/dev/null
say "PostgreSQL 15 on 127.0.0.1:$port, data in $pgdir/data"

# --- Kafka ----------------------------------------------------------------------------------
# Commands go to the mock cluster through a FIFO held open on fd 3; each is answered by one
# line on its stdout, after the bootstrap line.
mkfifo "$work/kafka.in"
# 8 partitions: the mock broker keeps only the last ~5 MB of each partition (librdkafka's
# rdkafka_mock.c), so the topic is read while it is written (below), and the burst after the
# outage is spread over 40 MB of room.
"$build/bin/popyka-mock-kafka" --topic popyka:8 <"$work/kafka.in" >"$work/kafka.out" 2>"$work/kafka.err" &
kafka_pid=$!
exec 3>"$work/kafka.in"
for _ in $(seq 100); do [ -s "$work/kafka.out" ] && break; sleep 0.1; done
bootstrap=$(head -n1 "$work/kafka.out")
kafka_command() {
  local answers
  answers=$(wc -l <"$work/kafka.out")
  echo "$1" >&3
  for _ in $(seq 100); do
    [ "$(wc -l <"$work/kafka.out")" -gt "$answers" ] && break
    sleep 0.1
  done
  [ "$(tail -n1 "$work/kafka.out")" = ok ] || { say "popyka-mock-kafka refused '$1': $(tail -n1 "$work/kafka.out")"; return 1; }
}
say "Kafka (mock, one broker) at $bootstrap"

# --- the consumer -----------------------------------------------------------------------------
# Reads the topic from the start for the whole soak: one line "PARTITION OFFSET ACTION SEQ" per
# message (ACTION "other" for a table the workload does not write). The offsets show whether
# the mock broker dropped anything before it was read, which would make the check meaningless.
mkfifo "$work/consumed.fifo"
jq -r --unbuffered '
  (.payload | fromjson? // {}) as $c
  | "\(.partition) \(.offset) "
    + if ($c.table // "" | IN("orders", "customers", "events"))
      then $c.action + " " + ((if $c.action == "D" then $c.identity else $c.columns end)[] | select(.name == "seq") | .value | tostring)
      else "other " + ($c.table // $c.action // "unparsed") end' <"$work/consumed.fifo" >"$work/consumed.txt" &
jq_pid=$!
# -E: kcat gives up by default when every broker is down, as in the outage.
kcat -C -q -u -E -J -b "$bootstrap" -t popyka -o beginning >"$work/consumed.fifo" 2>"$work/kcat.err" &
kcat_pid=$!

# --- popyka-host ----------------------------------------------------------------------------
# The README's processor and error handler; no LogChangeProcessor (a log line per change would
# be gigabytes). Reconnects are retried every 1 to 2 s, so the restart costs seconds, not 30.
cat >"$work/popyka.yaml" <<EOF
database:
  connect_url: "host=127.0.0.1 port=$port dbname=soak user=postgres"
  slot_name: popyka_soak
  reconnect_initial_s: 1
  reconnect_max_s: 2
filters:
  - class: popyka.builtin.filters.IgnoreTxFilter
    config: {}
  - class: popyka.builtin.filters.TableNameIgnoreFilter
    config: {ignore_regex: soak_ledger}
processors:
  - class: popyka.builtin.processors.ProduceToKafkaProcessor
    filters: []
    error_handlers:
      - class: popyka.builtin.error_handlers.RetryProcessor
        config: {}
    config:
      topic: popyka
      producer_config:
        "bootstrap.servers": "$bootstrap"
        "client.id": "popyka-soak"
EOF
POPYKA_CONFIG="$work/popyka.yaml" "$build/bin/popyka-host" 2>"$work/popyka-host.log" &
popyka_pid=$!
# Changes count from the moment the slot exists.
for _ in $(seq 300); do
  grep -q 'streaming replication slot' "$work/popyka-host.log" && break
  kill -0 "$popyka_pid" 2>/dev/null || { failed=1; say "popyka-host stopped:"; tail -n 20 "$work/popyka-host.log"; exit 1; }
  sleep 0.1
done

# --- the workload ---------------------------------------------------------------------------
total_s=$((SOAK_MINUTES * 60))
# pgbench ends a client on a lost connection (the restart): start it again for the time left.
# Deadlocks between its two clients are retried (--max-tries); a transaction that fails in the
# end is rolled back with its ledger rows, so the check is not fooled either way.
run_workload() {
  local until=$1 pgbench_pid=""
  trap 'kill -TERM $pgbench_pid 2>/dev/null; exit 0' TERM
  while (( $(date +%s) < until )); do
    "$pgbin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -c 2 -j 1 -R "$tx_rate" --max-tries 10 \
      -T $((until - $(date +%s) > 0 ? until - $(date +%s) : 1)) \
      -f "$here/workload/new_order.sql@40" -f "$here/workload/pay_orders.sql@30" -f "$here/workload/ship_orders.sql@15" \
      -f "$here/workload/events.sql@14" -f "$here/workload/bulk.sql@1" soak >>"$work/pgbench.log" 2>&1 &
    pgbench_pid=$!
    wait "$pgbench_pid" || { echo "soak: pgbench ended early ($?) at $(date +%T), starting it again" >>"$work/pgbench.log"; sleep 1; }
  done
}
start=$(date +%s)
run_workload $((start + total_s)) &
workload_pid=$!
say "workload: $SOAK_MINUTES min at $tx_rate transactions/s (~$SOAK_RATE row changes/s), 2 clients; work dir $work"

restart_at=$((start + total_s / 3))
outage_at=$((start + 2 * total_s / 3))
outage_end=$((outage_at + SOAK_OUTAGE_S))
(( outage_end <= start + total_s )) || outage_end=$((start + total_s))
rss=() fds=()
sample() {  # prints one line and appends to rss (KiB) and fds
  local minute=$1 event=$2 r f changes lag
  r=$(awk '/^VmRSS:/ {print $2}' "/proc/$popyka_pid/status" 2>/dev/null) || return 0  # it just ended: the loop sees it
  f=$(ls "/proc/$popyka_pid/fd" | wc -l)
  rss+=("$r") fds+=("$f")
  changes=$(sql -c "select count(*) from soak_ledger" 2>/dev/null || echo '?')
  lag=$(sql -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) from pg_replication_slots
                where slot_name = 'popyka_soak'" 2>/dev/null || echo '?')
  printf 'soak: minute %3d  rss %6.1f MiB  fds %3d  changes %8s  read from Kafka %8d  slot lag %9s bytes  %s\n' \
    "$minute" "$(echo "$r / 1024" | bc -l)" "$f" "$changes" "$(wc -l <"$work/consumed.txt")" "$lag" "$event"
}

restarted="" outage="" events=""
popyka_died=""
next_sample=$((start + 60))
while (( $(date +%s) < start + total_s )) || (( ${#rss[@]} < SOAK_MINUTES )); do
  now=$(date +%s)
  if ! kill -0 "$popyka_pid" 2>/dev/null; then popyka_died="during the workload, at $(date +%T)"; break; fi
  if [ -z "$restarted" ] && (( now >= restart_at )); then
    say "$(date +%T) restarting PostgreSQL (fast stop, ${SOAK_PG_DOWN_S} s down, start)"
    t0=$(date +%s.%N)
    restart_postgres || { failed=1; say "the restart failed:"; tail -n 20 "$work/pg_ctl.log"; exit 1; }
    restarted=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc -l)")
    events+="postgres-restart "
    say "$(date +%T) PostgreSQL is back after $restarted s"
  fi
  if [ -z "$outage" ] && (( now >= outage_at )); then
    kafka_command "broker-down 1"
    outage=down
    events+="broker-down "
    say "$(date +%T) Kafka broker 1 down"
  fi
  if [ "$outage" = down ] && (( now >= outage_end )); then
    kafka_command "broker-up 1"
    outage=up
    events+="broker-up "
    say "$(date +%T) Kafka broker 1 up again"
  fi
  if (( now >= next_sample )); then
    sample $(( (next_sample - start) / 60 )) "$events"
    events=""
    next_sample=$((next_sample + 60))
  fi
  sleep 1
done
wait "$workload_pid" 2>/dev/null || true
workload_pid=""
[ "$outage" = down ] && kafka_command "broker-up 1" && outage=up
workload_s=$(( $(date +%s) - start ))

# --- catching up and stopping -----------------------------------------------------------------
catchup=""
if [ -z "$popyka_died" ]; then
  end_lsn=$(sql -c "select pg_current_wal_lsn()")
  say "workload done; waiting for popyka-host to confirm $end_lsn"
  t0=$(date +%s)
  while [ "$(sql -c "select confirmed_flush_lsn >= '$end_lsn' from pg_replication_slots where slot_name = 'popyka_soak'")" != t ]; do
    if ! kill -0 "$popyka_pid" 2>/dev/null; then popyka_died="while catching up, at $(date +%T)"; break; fi
    if (( $(date +%s) - t0 > SOAK_CATCHUP_S )); then catchup="not within $SOAK_CATCHUP_S s"; break; fi
    sleep 1
  done
  [ -n "$catchup$popyka_died" ] || catchup="in $(( $(date +%s) - t0 )) s"
fi
popyka_exit=""
if [ -z "$popyka_died" ]; then
  kill -TERM "$popyka_pid"
  popyka_exit=0
  wait "$popyka_pid" || popyka_exit=$?
else
  wait "$popyka_pid" || popyka_exit=$?
fi
popyka_pid=""

# --- the check ------------------------------------------------------------------------------
# The consumer is done when it has read up to the end offset of every partition (the offset
# of each partition's last message + 1, from a second kcat), or has read nothing for 60 s.
end_offsets=$(kcat -C -q -e -J -b "$bootstrap" -t popyka -o -1 | jq -r '"\(.partition) \(.offset + 1)"' | sort -n)
produced=$(awk '{n += $2} END {print n + 0}' <<<"$end_offsets")
last_count=-1 still=0
while (( still < 60 )); do
  count=$(wc -l <"$work/consumed.txt")
  (( count >= produced )) && break
  if (( count == last_count )); then still=$((still + 1)); else still=0; last_count=$count; fi
  sleep 1
done
kill -TERM "$kcat_pid" 2>/dev/null || true
wait "$kcat_pid" 2>/dev/null || true
wait "$jq_pid" || { failed=1; say "jq failed on a message (kcat: $(tail -n 3 "$work/kcat.err"))"; exit 1; }
kcat_pid="" jq_pid=""
# Offsets never read: per partition, the end offset minus the distinct offsets read.
unread=$(sort -u -k1,1n -k2,2n "$work/consumed.txt" | awk -v ends="$end_offsets" '
  BEGIN { n = split(ends, e, "\n"); for (i = 1; i <= n; i++) { split(e[i], pe, " "); end_offset[pe[1]] = pe[2] } }
  { seen[$1]++ }
  END { for (p in end_offset) u += end_offset[p] - seen[p]; print u + 0 }')

# One line "ACTION SEQ" per change, from the ledger (what was committed) and from Kafka (what
# arrived); LC_ALL=C sort for comm.
export LC_ALL=C
sql -c "copy (select action::text || ' ' || seq from soak_ledger) to stdout" | sort >"$work/made.txt"
awk '$3 != "other" {print $3 " " $4}' "$work/consumed.txt" | sort >"$work/found.txt"
other=$(awk '$3 == "other"' "$work/consumed.txt" | wc -l)
made=$(wc -l <"$work/made.txt")
made_unique=$(uniq "$work/made.txt" | wc -l)
messages=$(wc -l <"$work/found.txt")
uniq "$work/found.txt" >"$work/found-unique.txt"
found=$(comm -12 "$work/made.txt" "$work/found-unique.txt" | wc -l)
missing=$(comm -23 "$work/made.txt" "$work/found-unique.txt" | wc -l)
unexpected=$(comm -13 "$work/made.txt" "$work/found-unique.txt" | wc -l)
duplicates=$((messages - $(wc -l <"$work/found-unique.txt")))

problem_lines='^[^ ]+ (warning|error|critical) '  # popyka-host's log: "TIME LEVEL message"
stats() {  # first max last of the arguments
  local max=0 v
  for v in "$@"; do if (( v > max )); then max=$v; fi; done
  echo "$1 $max ${*: -1}"
}
mib() { printf '%.1f' "$(echo "$1 / 1024" | bc -l)"; }
read -r rss_first rss_max rss_last < <(stats "${rss[@]}")
read -r fds_first fds_max fds_last < <(stats "${fds[@]}")
# Growth in percent from sample $1 to sample $2 (0-based).
growth() { printf '%.1f' "$(echo "(${rss[$2]} - ${rss[$1]}) * 100 / ${rss[$1]}" | bc -l)"; }
# The stretches without an outage: minute 3 up to the minute the broker went down, and the first
# full minute after it came back up to the last (the outage leaves the heap at its high-water mark).
last=$(( ${#rss[@]} - 1 ))
warm=$(( last >= 2 ? 2 : 0 ))
# Sample i (0-based) is taken at start + 60 (i + 1) s.
outage_minute=$(( (outage_at - start) / 60 ))    # sample outage_minute - 1: as the broker went down
after_outage=$(( (outage_end - start) / 60 ))    # the first sample a full minute after it came back
stretches=()
(( outage_minute - 1 > warm && outage_minute - 1 <= last )) && stretches+=("$warm $((outage_minute - 1))")
(( after_outage < last )) && stretches+=("$after_outage $last")
(( ${#stretches[@]} > 0 )) || stretches+=("$warm $last")
growth_report=() growth_problems=()
for stretch in "${stretches[@]}"; do
  read -r from to <<<"$stretch"
  g=$(growth "$from" "$to")
  growth_report+=("minute $((from + 1)) to $((to + 1)): $g %")
  (( $(echo "$g > $SOAK_MAX_RSS_GROWTH_PCT" | bc -l) )) && growth_problems+=("RSS grew $g % from minute $((from + 1)) to $((to + 1)) (limit $SOAK_MAX_RSS_GROWTH_PCT %)")
done

echo
say "summary"
echo "  workload            $SOAK_MINUTES min ($workload_s s) aimed at $SOAK_RATE row changes/s: $made row changes made, $(( made / workload_s ))/s"
echo "  postgres restart    $([ -n "$restarted" ] && echo "back after $restarted s" || echo "not done")"
echo "  broker outage       ${SOAK_OUTAGE_S} s ($outage)"
echo "  catch-up            ${catchup:-no}"
echo "  popyka-host         ${popyka_died:+DIED $popyka_died, }exit code ${popyka_exit:-?} after SIGTERM; replication reconnects $(grep -c 'replication connection recovered' "$work/popyka-host.log" || true) ($(grep -c 'reconnecting to PostgreSQL' "$work/popyka-host.log" || true) attempts), warnings/errors logged: $(grep -cE "$problem_lines" "$work/popyka-host.log" || true)"
echo "  Kafka messages      $produced produced, $((messages + other)) read ($duplicates duplicates of a change, $other of other tables, $unread never read)"
echo "  changes found       $found of $made"
echo "  missing             $missing"
echo "  unexpected          $unexpected (in Kafka, not in the ledger)"
echo "  RSS                 first $(mib "$rss_first") MiB, max $(mib "$rss_max") MiB, last $(mib "$rss_last") MiB; growth $(IFS=';'; echo "${growth_report[*]}" | sed 's/;/, /g')"
echo "  open fds            first $fds_first, max $fds_max, last $fds_last"

problems=()
[ -z "$popyka_died" ] || problems+=("popyka-host died $popyka_died")
[ "${popyka_exit:-1}" = 0 ] || problems+=("popyka-host exited with ${popyka_exit:-?}")
[[ "$catchup" == in* ]] || problems+=("popyka-host did not catch up: ${catchup:-it died}")
[ "$missing" = 0 ] || problems+=("$missing changes missing in Kafka")
[ "$unread" = 0 ] || problems+=("$unread messages were dropped by the mock broker before the consumer read them: the check is incomplete")
[ "$other" = 0 ] || problems+=("$other messages of other tables (the ledger filter failed?)")
[ "$unexpected" = 0 ] || problems+=("$unexpected changes in Kafka that the ledger does not have")
[ "$made" = "$made_unique" ] || problems+=("the ledger has $((made - made_unique)) repeated (action, seq): the check is broken")
[ -n "$restarted" ] || problems+=("PostgreSQL was not restarted")
[ "$outage" = up ] || problems+=("the broker outage did not happen")
problems+=("${growth_problems[@]}")
(( rss_max <= SOAK_MAX_RSS_MIB * 1024 )) || problems+=("RSS reached $(mib "$rss_max") MiB (limit $SOAK_MAX_RSS_MIB MiB)")
if (( missing > 0 )); then
  say "the first missing changes (ACTION SEQ):"
  comm -23 "$work/made.txt" "$work/found-unique.txt" | sort -k2,2n | head -n 20 | sed 's/^/  /'
fi
say "popyka-host's warnings and errors (first 30):"
grep -E "$problem_lines" "$work/popyka-host.log" | head -n 30 | sed 's/^/  /' || true
if (( ${#problems[@]} )); then
  failed=1
  for p in "${problems[@]}"; do say "FAILED: $p"; done
  exit 1
fi
say "PASSED"
