#!/usr/bin/env bash
# popyka-host --check-config prints the resolved pipeline: each component with its plugin file,
# and the time limit on plugin calls (POPYKA_CALL_TIMEOUT_S, and each processor's own timeout_s).
#   check_config_test.sh POPYKA_HOST
set -euo pipefail
host=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/popyka.yaml" <<'YAML'
database:
  connect_url: "dbname=unused"
  slot_name: check_config_test
filters:
  - class: popyka.builtin.filters.IgnoreTxFilter
processors:
  - class: popyka.builtin.processors.LogChangeProcessor
    timeout_s: 2.5
  - class: popyka.builtin.processors.LogChangeProcessor
    timeout_s: 0
  - class: popyka.builtin.processors.LogChangeProcessor
YAML
cat > "$dir/expected" <<EXPECTED
config: $dir/popyka.yaml
database: slot 'check_config_test'
time limit per plugin call: 30 s (POPYKA_CALL_TIMEOUT_S; a processor's timeout_s wins for it)
filters:
  filters[0]: popyka.builtin.filters.IgnoreTxFilter (popyka-builtin-filters.so)
processors:
  processors[0]: popyka.builtin.processors.LogChangeProcessor (popyka-log-change.so), timeout_s: 2.5 s
  processors[1]: popyka.builtin.processors.LogChangeProcessor (popyka-log-change.so), timeout_s: none
  processors[2]: popyka.builtin.processors.LogChangeProcessor (popyka-log-change.so)
EXPECTED
POPYKA_CONFIG="$dir/popyka.yaml" POPYKA_CALL_TIMEOUT_S=30 "$host" --check-config > "$dir/out"
diff -u "$dir/expected" "$dir/out"
echo "ok: --check-config shows the pipeline and its time limits"

POPYKA_CONFIG="$dir/popyka.yaml" POPYKA_CALL_TIMEOUT_S=0 "$host" --check-config > "$dir/out"
grep -qx "time limit per plugin call: none (POPYKA_CALL_TIMEOUT_S; a processor's timeout_s wins for it)" "$dir/out"
echo "ok: POPYKA_CALL_TIMEOUT_S=0 shows as no limit"
