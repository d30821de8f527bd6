#!/usr/bin/env bash
# Installs popyka into a temporary prefix, builds tests/out_of_tree/plugin against it with
# find_package(Popyka), and runs it from POPYKA_PLUGIN_PATH in the installed popyka-host --replay.
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/tests/out_of_tree/plugin" -B "$work/plugin" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/plugin" >/dev/null

cat >"$work/popyka.yaml" <<'YAML'
database: {connect_url: "dbname=unused", slot_name: unused}
filters:
  - class: outoftree.filters.OnlyTable
    config: {table: orders}
processors:
  - class: popyka.builtin.processors.LogChangeProcessor
YAML
cat >"$work/changes.jsonl" <<'JSON'
{"action":"B"}
{"action":"I","schema":"public","table":"orders","columns":[{"name":"id","type":"integer","value":1},{"name":"total","type":"numeric","value":12345678901234567890.01}]}
{"action":"I","schema":"public","table":"customers","columns":[{"name":"id","type":"integer","value":2}]}
{"action":"C"}
JSON

POPYKA_CONFIG="$work/popyka.yaml" POPYKA_PLUGIN_PATH="$work/plugin" POPYKA_COMPACT_DUMP=1 \
  "$work/prefix/bin/popyka-host" --replay "$work/changes.jsonl" 2>"$work/log"
cat "$work/log"
grep -q 'outoftree.filters.OnlyTable: keeping only table orders' "$work/log"
grep -q '"table":"orders".*12345678901234567890.01' "$work/log"
if grep -q '"table":"customers"' "$work/log"; then echo "FAIL: the filter let customers through"; exit 1; fi
if grep -q '"action":"B"' "$work/log"; then echo "FAIL: the filter let BEGIN through"; exit 1; fi
POPYKA_CONFIG="$work/popyka.yaml" POPYKA_PLUGIN_PATH="$work/plugin" "$work/prefix/bin/popyka-host" --list-plugins | grep -q 'outoftree.filters.OnlyTable'
echo "out-of-tree plugin: built with find_package(Popyka), loaded and run"
