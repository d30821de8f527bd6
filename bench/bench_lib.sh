# Shared by the benchmark scripts (sourced once `repo`, `build`, `pgbin` and `say` are set;
# start_postgres also needs `work`).

# popyka-host, the built-in plugins, popyka-mock-kafka and the throwaway PostgreSQL, Release, in
# $build (unless POPYKA_BENCH_NO_BUILD is set).
build_popyka() {
  [ -n "${POPYKA_BENCH_NO_BUILD:-}" ] && return 0
  say "building popyka-host, plugins, popyka-mock-kafka and popyka-throwaway-postgres in $build"
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target popyka-host popyka-mock-kafka popyka-throwaway-postgres popyka_kafka_plugin \
    popyka-builtin-filters popyka-builtin-error-handlers popyka-log-change popyka-bench-produce >/dev/null
}

# Exits unless those and the programs given exist.
require_programs() {
  for f in "$build/bin/popyka-host" "$build/bin/popyka-mock-kafka" "$build/bin/popyka-throwaway-postgres" "$@"; do
    [ -x "$f" ] || { say "missing $f"; exit 1; }
  done
}

# The tests' throwaway cluster (wal_level=logical, 127.0.0.1, wal2json allowed), tuned for a
# big workload: loading it fast does not change how the server decodes or copies it. Sets
# postgres_pid and port, defines psql_admin and sql (database `bench`, created here).
start_postgres() {
  "$build/bin/popyka-throwaway-postgres" --set "shared_buffers = 512MB" --set "max_wal_size = 16GB" \
    --set "checkpoint_timeout = 1h" --set "synchronous_commit = off" >"$work/postgres.out" 2>"$work/postgres.log" &
  postgres_pid=$!
  for _ in $(seq 300); do [ -s "$work/postgres.out" ] && break; sleep 0.1; done
  [ -s "$work/postgres.out" ] || { say "PostgreSQL did not start:"; cat "$work/postgres.log" >&2; exit 1; }
  port=$(sed -E 's|.*:([0-9]+)/.*|\1|' "$work/postgres.out")
  say "PostgreSQL 15 on 127.0.0.1:$port"
  psql_admin -d postgres -c "create database bench"
}
psql_admin() { "$pgbin/psql" -X -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
sql() { psql_admin -d bench "$@"; }

# Table $1 of $2 rows, the benchmarks' 10 columns (bigint, text, numeric, int, boolean,
# timestamptz, text, varchar, float8, uuid), VACUUM ANALYZEd and read once untimed (in shared
# buffers for every run alike).
load_wide_table() {
  say "loading $2 rows into $1"
  sql <<SQL
create table $1(
  id bigint primary key, name text, amount numeric(12,2), quantity int, paid boolean,
  created_at timestamptz, note text, status varchar(20), score float8, ref uuid);
insert into $1 select g, 'customer ' || g, (g % 100000) / 100.0, 1 + g % 20, g % 2 = 0,
  timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second',
  case when g % 3 = 0 then 'customer asked for delivery after 5 pm, call first' else 'standard' end,
  (array['new', 'paid', 'shipped', 'returned'])[1 + g % 4], g / 7.0, gen_random_uuid()
from generate_series(1, $2) g;
vacuum analyze $1;
SQL
  sql -c "copy $1 to stdout" >/dev/null
  say "table size: $(sql -c "select pg_size_pretty(pg_relation_size('$1'))")"
}

# Seconds `COPY $1 TO STDOUT` takes through psql, its output to /dev/null (PostgreSQL's own
# rate: the reference of the snapshot benchmarks). Sets elapsed.
time_copy() {
  local t0
  t0=$(now)
  sql -c "copy $1 to stdout" >/dev/null
  elapsed=$(echo "$(now) - $t0" | bc -l)
}

# A TCP port free on 127.0.0.1 a moment ago (for POPYKA_METRICS_LISTEN).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Peak RSS (VmHWM) of process $1, MiB.
peak_rss_mib() { echo "$(awk '/^VmHWM:/ {print $2}' "/proc/$1/status") / 1024" | bc -l; }

# A fresh popyka-mock-kafka with topic `popyka` of $2 partitions, its files named after $1. Sets
# kafka_pid and bootstrap.
start_mock_kafka() {
  "$build/bin/popyka-mock-kafka" --no-stdin --topic "popyka:$2" >"$work/kafka_$1.out" 2>"$work/kafka_$1.log" &
  kafka_pid=$!
  for _ in $(seq 100); do [ -s "$work/kafka_$1.out" ] && break; sleep 0.1; done
  bootstrap=$(head -n1 "$work/kafka_$1.out")
}

now() { date +%s.%N; }
clk_tck=$(getconf CLK_TCK)
cpu_seconds() {  # user + system time of a process (all its threads), from /proc
  local fields
  fields=$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f12,13) || { echo 0; return; }
  echo "(${fields% *} + ${fields#* }) / $clk_tck" | bc -l
}
median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
