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
