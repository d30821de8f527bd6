#!/usr/bin/env bash
# Tests of examples/: `examples_test.sh setup` installs popyka into a prefix and builds every
# example out of tree against it (as a user would); `examples_test.sh <example>` then runs that
# example in the installed popyka-host (--replay of real wal2json v2 output) and checks what it did.
# Environment (set by tests/examples/CMakeLists.txt): EXAMPLES_BUILD_DIR, EXAMPLES_SOURCE_DIR,
# EXAMPLES_WORK_DIR, EXAMPLES_CHANGES, EXAMPLES_HTTP_RECORDER.
set -euo pipefail

work=$EXAMPLES_WORK_DIR
prefix=$work/prefix
changes=$EXAMPLES_CHANGES

fail() { echo "FAIL: $*" >&2; exit 1; }

# same_lines EXPECTED_FILE ACTUAL_FILE WHAT: the files are equal, line for line.
same_lines() {
  diff -u "$1" "$2" >&2 || fail "$3: the lines above differ (- expected, + actual)"
  echo "ok: $3 ($(wc -l <"$2") lines)"
}

# host CONFIG ARGS...: the installed popyka-host with the examples on POPYKA_PLUGIN_PATH; its
# log goes to CONFIG.log. Returns popyka-host's exit code.
host() {
  local config=$1
  shift
  POPYKA_CONFIG=$config POPYKA_PLUGIN_PATH=$(cat "$work/plugin-path") \
    "$prefix/bin/popyka-host" "$@" 2>>"$config.log"
}

# expect_exit CODE CONFIG ARGS...: popyka-host exits with CODE.
expect_exit() {
  local want=$1 got=0
  shift
  host "$@" || got=$?
  if [[ $got != "$want" ]]; then
    cat "$1.log" >&2
    fail "popyka-host $* exited $got, expected $want"
  fi
}

# A fresh directory for one test, so tests can run in parallel.
test_dir() {
  rm -rf "${work:?}/$1"
  mkdir -p "$work/$1"
  echo "$work/$1"
}

setup() {
  rm -rf "${work:?}"
  mkdir -p "$work"
  cmake --install "$EXAMPLES_BUILD_DIR" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }
  local plugin_path="" example name
  for example in "$EXAMPLES_SOURCE_DIR"/examples/*/CMakeLists.txt; do
    example=$(dirname "$example")
    name=$(basename "$example")
    # Exactly what examples/README.md tells users to run.
    if ! { cmake -S "$example" -B "$work/build/$name" -DCMAKE_PREFIX_PATH="$prefix" &&
           cmake --build "$work/build/$name"; } >"$work/build-$name.log" 2>&1; then
      cat "$work/build-$name.log"
      fail "building examples/$name out of tree against the installed popyka"
    fi
    ls "$work/build/$name"/*.so >/dev/null || fail "examples/$name built no plugin"
    plugin_path+="${plugin_path:+:}$work/build/$name"
    echo "ok: built examples/$name"
  done
  echo "$plugin_path" >"$work/plugin-path"
  local classes
  classes=$(POPYKA_PLUGIN_PATH=$plugin_path "$prefix/bin/popyka-host" --list-plugins)
  for class in examples.filters.ColumnValueFilter examples.processors.JsonLinesFileProcessor \
               examples.processors.HttpPostProcessor examples.error_handlers.DeadLetterErrorHandler; do
    grep -q "$class" <<<"$classes" || fail "popyka-host --list-plugins does not list $class"
  done
  echo "ok: popyka-host finds every example class on POPYKA_PLUGIN_PATH"
}

# The sample config of each example must load (with its plugins) as it is shipped.
check_sample_config() {
  local dir=$1 name=$2
  cp "$EXAMPLES_SOURCE_DIR/examples/$name/popyka.yaml" "$dir/sample.yaml"
  POPYKA_DB_DSN=dbname=unused POPYKA_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9 expect_exit 0 "$dir/sample.yaml" --check-config
  echo "ok: examples/$name/popyka.yaml passes --check-config"
}

# Lines of the replayed changes whose column NAME has the (JSON) value VALUE, in `columns` or `identity`.
changes_with() {
  grep -E "\{\"name\":\"$1\",\"type\":\"[^\"]*\",\"value\":$2\}" "$changes" || true
}

column_value_filter() {
  local dir
  dir=$(test_dir column_value_filter)
  # One JSON-lines file per case, each processor behind its own filters, all in one replay.
  cat >"$dir/popyka.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters: []
processors:
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/name-equals-b.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: name, equals: b}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/name-regex-a.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: name, regex: "a.*"}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/price-equals-1.50.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: price, equals: "1.50"}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/price-equals-1.5.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: price, equals: "1.5"}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/ok-equals-false.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: ok, equals: "false"}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/doc-equals-json.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: doc, equals: '{"k": 1}'}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/tags-equals-null.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: tags, equals: "null"}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/name-b-or-a.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: name, equals: b, otherwise: continue}
      - class: examples.filters.ColumnValueFilter
        config: {column: name, equals: a, otherwise: ignore}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/continue-only.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: name, equals: nobody, otherwise: continue}
YAML
  expect_exit 0 "$dir/popyka.yaml" --replay "$changes"

  changes_with name '"b"' >"$dir/expected"
  [[ $(wc -l <"$dir/expected") == 3 ]] || fail "the sample should have 3 changes of row b (insert, update, delete)"
  same_lines "$dir/expected" "$dir/name-equals-b.jsonl" "equals: b keeps the insert, update and delete (identity) of row b"
  changes_with name '"a[^"]*"' >"$dir/expected"
  same_lines "$dir/expected" "$dir/name-regex-a.jsonl" "regex: a.* keeps the changes of rows a and a2"
  changes_with price '1\.50' >"$dir/expected"
  same_lines "$dir/expected" "$dir/price-equals-1.50.jsonl" "a numeric compares by its exact JSON text: 1.50"
  [[ ! -s $dir/price-equals-1.5.jsonl ]] || fail "equals: 1.5 matched 1.50: numerics must compare by exact text"
  echo "ok: equals: 1.5 does not match 1.50"
  changes_with ok 'false' >"$dir/expected"
  same_lines "$dir/expected" "$dir/ok-equals-false.jsonl" "a boolean compares by its JSON text: false"
  changes_with doc '"\{\\"k\\": 1\}"' >"$dir/expected"
  same_lines "$dir/expected" "$dir/doc-equals-json.jsonl" "a string compares decoded: {\"k\": 1} from \"{\\\"k\\\": 1}\""
  changes_with tags 'null' >"$dir/expected"
  same_lines "$dir/expected" "$dir/tags-equals-null.jsonl" "a SQL NULL compares as null"
  changes_with name '"(a|b)"' >"$dir/expected"
  same_lines "$dir/expected" "$dir/name-b-or-a.jsonl" "otherwise: continue hands the rest to the next filter"
  same_lines "$changes" "$dir/continue-only.jsonl" "otherwise: continue alone processes everything (BEGIN, COMMIT and messages too)"

  # Config mistakes are refused before anything runs, naming the key.
  local bad
  for bad in '{column: name}|give exactly one of `equals` and `regex`' \
             '{column: name, equals: a, regex: a}|give exactly one of `equals` and `regex`' \
             '{column: name, regex: "("}|regex: not a valid regex' \
             '{column: name, equals: a, otherwise: maybe}|otherwise: expected `ignore` or `continue`' \
             '{column: name, equal: a}|equal: unknown key for examples.filters.ColumnValueFilter' \
             '{equals: a}|column: required'; do
    cat >"$dir/bad.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters:
  - class: examples.filters.ColumnValueFilter
    config: ${bad%%|*}
processors:
  - class: popyka.builtin.processors.LogChangeProcessor
YAML
    rm -f "$dir/bad.yaml.log"
    expect_exit 1 "$dir/bad.yaml" --check-config
    grep -qF -- "${bad#*|}" "$dir/bad.yaml.log" || { cat "$dir/bad.yaml.log" >&2; fail "config ${bad%%|*}: no '${bad#*|}' in the error"; }
    echo "ok: config ${bad%%|*} is refused: $(grep -F -- "${bad#*|}" "$dir/bad.yaml.log" | tail -1)"
  done
  check_sample_config "$dir" column_value_filter
}

json_lines_file_processor() {
  local dir
  dir=$(test_dir json_lines_file_processor)
  cat >"$dir/popyka.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters:
  - class: popyka.builtin.filters.IgnoreTxFilter
processors:
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/changes.jsonl"}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/unbuffered.jsonl", buffer_bytes: 0}
YAML
  expect_exit 0 "$dir/popyka.yaml" --replay "$changes"
  grep -v -E '^\{"action":"[BC]"' "$changes" >"$dir/expected"
  same_lines "$dir/expected" "$dir/changes.jsonl" "the file holds every replayed change but BEGIN/COMMIT, byte for byte"
  same_lines "$dir/expected" "$dir/unbuffered.jsonl" "the same with buffer_bytes: 0"

  # A second run appends: a restart never overwrites what an earlier run wrote.
  expect_exit 0 "$dir/popyka.yaml" --replay "$changes"
  cat "$dir/expected" "$dir/expected" >"$dir/expected-twice"
  same_lines "$dir/expected-twice" "$dir/changes.jsonl" "a second run appends"

  # A file that cannot be opened is a configuration error naming it.
  cat >"$dir/bad.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters: []
processors:
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/no/such/dir/changes.jsonl"}
YAML
  expect_exit 1 "$dir/bad.yaml" --replay "$changes"
  grep -qF "cannot open $dir/no/such/dir/changes.jsonl: No such file or directory" "$dir/bad.yaml.log" ||
    { cat "$dir/bad.yaml.log" >&2; fail "no 'cannot open' error"; }
  echo "ok: a path that cannot be opened stops popyka-host with exit 1, naming the file"

  # Write errors throw from process(), so they reach the error handlers; a failed flush stops
  # the host (exit 2) because what was taken could not be made durable.
  if [[ -w /dev/full ]]; then
    cat >"$dir/full.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters: []
processors:
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: /dev/full, buffer_bytes: 0}
    error_handlers:
      - class: examples.error_handlers.DeadLetterErrorHandler
        config: {path: "$dir/dead-letters.jsonl"}
YAML
    expect_exit 2 "$dir/full.yaml" --replay "$changes"
    grep -q 'failed to flush: cannot write /dev/full: No space left on device' "$dir/full.yaml.log" ||
      { cat "$dir/full.yaml.log" >&2; fail "no flush failure in the log"; }
    # The first change only fills the buffer; each later one first writes out the buffer, fails
    # and goes to the dead letters.
    [[ $(grep -c 'cannot write /dev/full: No space left on device' "$dir/dead-letters.jsonl") == $(($(wc -l <"$changes") - 1)) ]] ||
      fail "expected one dead letter per change but the first, found: $(cat "$dir/dead-letters.jsonl")"
    echo "ok: write errors go to the error handlers, a failed flush stops popyka-host with exit 2"
  fi
  check_sample_config "$dir" json_lines_file_processor
}

# start_recorder DIR: the local HTTP server; sets recorder_pid and port.
start_recorder() {
  [[ -x $EXAMPLES_HTTP_RECORDER ]] || fail "no HTTP server for the test: $EXAMPLES_HTTP_RECORDER"
  "$EXAMPLES_HTTP_RECORDER" "$1/port" "$1/received.jsonl" &
  recorder_pid=$!
  trap 'kill $recorder_pid 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    [[ -s $1/port ]] && break
    kill -0 $recorder_pid 2>/dev/null || fail "the HTTP server did not start"
    sleep 0.1
  done
  port=$(cat "$1/port")
  [[ -n $port ]] || fail "the HTTP server did not say its port"
}

stop_recorder() {
  kill "$recorder_pid"
  wait "$recorder_pid" 2>/dev/null || true
}

# dead_letter_changes FILE: the `change` of each dead letter (the last field of its line).
dead_letter_changes() {
  sed -E 's/^.*,"change":(.*)\}$/\1/' "$1"
}

http_post_processor() {
  local dir
  dir=$(test_dir http_post_processor)
  start_recorder "$dir"
  cat >"$dir/popyka.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters: []
processors:
  - class: examples.processors.HttpPostProcessor
    config:
      url: "http://127.0.0.1:$port/changes"
      timeout_ms: 2000
      headers: {X-Popyka-Test: from-config}
YAML
  expect_exit 0 "$dir/popyka.yaml" --replay "$changes"
  same_lines "$changes" "$dir/received.jsonl" "the server received every change as a POST body, in order"
  local i
  for ((i = 0; i < $(wc -l <"$changes"); i++)); do echo "/changes application/json from-config"; done >"$dir/expected-meta"
  same_lines "$dir/expected-meta" "$dir/received.jsonl.meta" "each POST went to the URL's path, as application/json, with the configured header"

  # A non-2xx answer is a failure: it goes to the error handlers with the status in the error.
  rm -f "$dir/received.jsonl" "$dir/received.jsonl.meta"
  cat >"$dir/fail.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters: []
processors:
  - class: examples.processors.HttpPostProcessor
    config: {url: "http://127.0.0.1:$port/fail"}
    error_handlers:
      - class: examples.error_handlers.DeadLetterErrorHandler
        config: {path: "$dir/dead-letters.jsonl"}
YAML
  expect_exit 0 "$dir/fail.yaml" --replay "$changes"
  same_lines "$changes" "$dir/received.jsonl" "the server got every change on /fail"
  dead_letter_changes "$dir/dead-letters.jsonl" >"$dir/dead-changes"
  same_lines "$changes" "$dir/dead-changes" "every change answered 503 is a dead letter"
  [[ $(grep -c "\"error\":\"POST http://127.0.0.1:$port/fail: HTTP 503 not today\"" "$dir/dead-letters.jsonl") == $(wc -l <"$changes") ]] ||
    fail "the dead letters do not carry the HTTP status: $(head -1 "$dir/dead-letters.jsonl")"
  echo "ok: a 503 answer is a failure with the status and body in its error"

  # Without error handlers a failure stops popyka-host (exit 2), the change unconfirmed.
  cat >"$dir/abort.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters: []
processors:
  - class: examples.processors.HttpPostProcessor
    config: {url: "http://127.0.0.1:$port/fail"}
YAML
  expect_exit 2 "$dir/abort.yaml" --replay "$changes"
  grep -q 'HTTP 503' "$dir/abort.yaml.log" || { cat "$dir/abort.yaml.log" >&2; fail "no HTTP 503 in the abort"; }
  echo "ok: without error handlers a failed POST stops popyka-host with exit 2"
  stop_recorder

  cat >"$dir/bad.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters: []
processors:
  - class: examples.processors.HttpPostProcessor
    config: {url: "not a url"}
YAML
  expect_exit 1 "$dir/bad.yaml" --check-config
  grep -q "url: expected http://host\[:port\]\[/path\], found 'not a url'" "$dir/bad.yaml.log" || { cat "$dir/bad.yaml.log" >&2; fail "bad url accepted"; }
  echo "ok: a bad url is a configuration error"
  WEBHOOK_TOKEN=t check_sample_config "$dir" http_post_processor
}

dead_letter_error_handler() {
  local dir
  dir=$(test_dir dead_letter_error_handler)
  # A port where nothing listens: start the server to get a free port, then stop it.
  start_recorder "$dir"
  stop_recorder
  cat >"$dir/popyka.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters: []
processors:
  - class: examples.processors.HttpPostProcessor
    config: {url: "http://127.0.0.1:$port/changes", timeout_ms: 2000}
    error_handlers:
      - class: examples.error_handlers.DeadLetterErrorHandler
        config: {path: "$dir/dead-letters.jsonl"}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/after.jsonl"}
YAML
  expect_exit 0 "$dir/popyka.yaml" --replay "$changes"
  dead_letter_changes "$dir/dead-letters.jsonl" >"$dir/dead-changes"
  same_lines "$changes" "$dir/dead-changes" "with the server down, every change is a dead letter, byte for byte"
  local n
  n=$(wc -l <"$changes")
  [[ $(grep -cE '^\{"failed_at":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z","processor":"examples.processors.HttpPostProcessor","error":"POST http://127.0.0.1:'"$port"'/changes: [^"]+","lsn":"[0-9A-F]+/[0-9A-F]+","change":' "$dir/dead-letters.jsonl") == "$n" ]] ||
    fail "dead letters without time, processor, error or lsn: $(head -1 "$dir/dead-letters.jsonl")"
  echo "ok: each dead letter has the time, the processor, the error and the LSN: $(head -1 "$dir/dead-letters.jsonl" | cut -c1-160)..."
  same_lines "$changes" "$dir/after.jsonl" "NEXT_PROCESSOR: the next processor still got every change, popyka-host went on"

  # The dead letters replay as they are, once the cause is fixed.
  dead_letter_changes "$dir/dead-letters.jsonl" >"$dir/replay.jsonl"
  cat >"$dir/replay.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters: []
processors:
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/replayed.jsonl"}
YAML
  expect_exit 0 "$dir/replay.yaml" --replay "$dir/replay.jsonl"
  same_lines "$changes" "$dir/replayed.jsonl" "the dead letters' changes replay with popyka-host --replay"
  check_sample_config "$dir" dead_letter_error_handler
}

# Every example together against a real PostgreSQL 15 (popyka-throwaway-postgres) instead of
# --replay: rows written with SQL arrive filtered in a file, at the HTTP server, and as dead letters.
against_postgres() {
  local dir
  dir=$(test_dir against_postgres)
  [[ -x ${EXAMPLES_THROWAWAY_POSTGRES:-} ]] || fail "no popyka-throwaway-postgres: $EXAMPLES_THROWAWAY_POSTGRES"
  command -v psql >/dev/null || fail "no psql (postgresql-client-15)"
  # A port where nothing listens, for the dead letters: a server's, once it has stopped.
  mkdir "$dir/gone"
  start_recorder "$dir/gone"
  stop_recorder
  local dead_port=$port
  start_recorder "$dir"
  "$EXAMPLES_THROWAWAY_POSTGRES" >"$dir/postgres.out" 2>"$dir/postgres.log" &
  postgres_pid=$!
  trap 'kill $recorder_pid $postgres_pid ${host_pid:-} 2>/dev/null || true; wait $postgres_pid 2>/dev/null || true' EXIT
  for _ in $(seq 300); do
    [[ -s $dir/postgres.out ]] && break
    kill -0 $postgres_pid 2>/dev/null || { cat "$dir/postgres.log" >&2; fail "PostgreSQL did not start"; }
    sleep 0.1
  done
  local dsn
  dsn=$(head -n1 "$dir/postgres.out")
  psql "$dsn" -q -v ON_ERROR_STOP=1 -c "create table orders(id int primary key, status text not null, total numeric(10,2))"

  cat >"$dir/popyka.yaml" <<YAML
database: {connect_url: "$dsn", slot_name: popyka_examples, status_interval_s: 1}
filters:
  - class: popyka.builtin.filters.IgnoreTxFilter
processors:
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/all.jsonl"}
  - class: examples.processors.JsonLinesFileProcessor
    config: {path: "$dir/shipped.jsonl"}
    filters:
      - class: examples.filters.ColumnValueFilter
        config: {column: status, equals: shipped}
  - class: examples.processors.HttpPostProcessor
    config: {url: "http://127.0.0.1:$port/changes", headers: {X-Popyka-Test: postgres}}
  - class: examples.processors.HttpPostProcessor
    config: {url: "http://127.0.0.1:$dead_port/changes", timeout_ms: 1000}
    error_handlers:
      - class: examples.error_handlers.DeadLetterErrorHandler
        config: {path: "$dir/dead-letters.jsonl"}
YAML
  POPYKA_CONFIG=$dir/popyka.yaml POPYKA_PLUGIN_PATH=$(cat "$work/plugin-path") \
    "$prefix/bin/popyka-host" 2>"$dir/popyka.yaml.log" &
  host_pid=$!
  # The slot exists once popyka-host streams; only changes after that are sent.
  for _ in $(seq 300); do
    [[ $(psql "$dsn" -Atc "select count(*) from pg_replication_slots where slot_name = 'popyka_examples' and active") == 1 ]] && break
    kill -0 $host_pid 2>/dev/null || { cat "$dir/popyka.yaml.log" >&2; fail "popyka-host stopped"; }
    sleep 0.1
  done
  psql "$dsn" -q -v ON_ERROR_STOP=1 <<'SQL'
insert into orders values (1, 'new', 1.50), (2, 'shipped', 20.00), (3, 'new', 3.00);
update orders set status = 'shipped' where id = 1;
delete from orders where id = 2;
SQL
  # JsonLinesFileProcessor writes out on flush, which comes before each confirmation (every 1 s).
  for _ in $(seq 300); do
    [[ -s $dir/all.jsonl && $(wc -l <"$dir/all.jsonl") -ge 5 ]] && break
    sleep 0.1
  done
  kill -TERM $host_pid
  local rc=0
  wait $host_pid || rc=$?
  [[ $rc == 0 ]] || { cat "$dir/popyka.yaml.log" >&2; fail "popyka-host exited $rc after SIGTERM"; }

  [[ $(grep -o '^{"action":"[IUD]"' "$dir/all.jsonl" | tr -d '\n') == '{"action":"I"{"action":"I"{"action":"I"{"action":"U"{"action":"D"' ]] ||
    fail "expected 3 inserts, an update and a delete, found: $(cat "$dir/all.jsonl")"
  echo "ok: the 5 row changes written with SQL are in the file, in order"
  grep -E '"action":"(I|U)".*"name":"status","type":"text","value":"shipped"' "$dir/all.jsonl" >"$dir/expected"
  [[ $(wc -l <"$dir/expected") == 2 ]] || fail "expected the insert of 2 and the update of 1 as shipped"
  same_lines "$dir/expected" "$dir/shipped.jsonl" "ColumnValueFilter kept the insert and the update with status shipped (the delete has only the key)"
  same_lines "$dir/all.jsonl" "$dir/received.jsonl" "the HTTP server received every change"
  dead_letter_changes "$dir/dead-letters.jsonl" >"$dir/dead-changes"
  same_lines "$dir/all.jsonl" "$dir/dead-changes" "the unreachable endpoint's changes are dead letters"
  [[ $(psql "$dsn" -Atc "select confirmed_flush_lsn > '0/0' from pg_replication_slots where slot_name = 'popyka_examples'") == t ]] ||
    fail "nothing was confirmed to PostgreSQL"
  echo "ok: popyka-host confirmed its progress to PostgreSQL and stopped cleanly on SIGTERM"
  host "$dir/popyka.yaml" --drop-slot
}

case ${1:-} in
  setup | column_value_filter | json_lines_file_processor | http_post_processor | dead_letter_error_handler | against_postgres) "$1" ;;
  *) fail "usage: $0 setup|column_value_filter|json_lines_file_processor|http_post_processor|dead_letter_error_handler|against_postgres" ;;
esac
