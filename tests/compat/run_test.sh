#!/usr/bin/env bash
# Runs the SDK 1.0 compatibility plugin in this popyka-host: a filter, an asynchronous processor
# whose first delivery fails, and an error handler that has it retried.
#   run_test.sh POPYKA_HOST PLUGIN_DIR
set -euo pipefail
host=$1
plugin_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/popyka.yaml" <<YAML
database: {connect_url: "dbname=unused", slot_name: unused}
filters:
  - class: popyka.builtin.filters.IgnoreTxFilter
  - class: compat.filters.SkipTable
    config: {table: secrets}
processors:
  - class: compat.processors.AsyncRecord
    config: {file: "$work/out", fail_first: 1}
    error_handlers:
      - class: compat.error_handlers.Note
        config: {file: "$work/out"}
YAML
cat >"$work/changes.jsonl" <<'JSON'
{"action":"B"}
{"action":"I","schema":"public","table":"orders","columns":[{"name":"id","type":"integer","value":1}]}
{"action":"I","schema":"public","table":"secrets","columns":[{"name":"id","type":"integer","value":2}]}
{"action":"I","schema":"public","table":"orders","columns":[{"name":"id","type":"integer","value":3}]}
{"action":"C"}
JSON
POPYKA_CONFIG="$work/popyka.yaml" POPYKA_PLUGIN_PATH="$plugin_dir" "$host" --replay "$work/changes.jsonl" 2>"$work/log" || {
  cat "$work/log"
  exit 1
}
# In any order: the failure of change 1 may be handled after change 3 was delivered.
expected='delivered orders 1
delivered orders 3
failure "compat.processors.AsyncRecord" retries=0: not yet: orders 1'
if [ "$(sort "$work/out")" != "$expected" ]; then
  echo "FAIL: expected:"; echo "$expected"; echo "got:"; cat "$work/out"; cat "$work/log"; exit 1
fi
POPYKA_PLUGIN_PATH="$plugin_dir" "$host" --list-plugins | grep -q "compat.processors.AsyncRecord.*popyka-compat-1.0.so"
echo "the SDK 1.0 plugin loads and runs: filter, asynchronous processor, error handler"
