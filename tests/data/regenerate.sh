#!/usr/bin/env bash
# Regenerates the wal2json samples in this folder from a real PostgreSQL 15 with wal2json: starts
# the project's popyka-throwaway-postgres, runs schema.sql, creates two wal2json slots, runs workload.sql, and
# writes what each slot decoded, one message a line:
#   wal2json-v2-sample.jsonl        format-version 2 with every include option popyka-host asks for
#                                   (include-lsn, include-xids, include-timestamp, include-pk)
#   wal2json-v2-sample-plain.jsonl  format-version 2 alone
# xids, LSNs and timestamps change from one run to the next; the tests read them from the lines.
#
#   tests/data/regenerate.sh [OUTPUT_DIR]   (default: this folder)
# POPYKA_THROWAWAY_POSTGRES: the tool's path (default: build/bin/popyka-throwaway-postgres).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$here}
throwaway=${POPYKA_THROWAWAY_POSTGRES:-$repo/build/bin/popyka-throwaway-postgres}
if [ ! -x "$throwaway" ]; then
  echo "regenerate.sh: $throwaway not found; build it (cmake --build build --target popyka-throwaway-postgres) or set POPYKA_THROWAWAY_POSTGRES" >&2
  exit 1
fi
mkdir -p "$out"

work=$(mktemp -d)
mkfifo "$work/uri"
"$throwaway" >"$work/uri" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
read -r uri <"$work/uri"

sql() { psql "$uri" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
sql -f "$here/schema.sql" >/dev/null
# Both slots exist before the workload, so both see all of it.
sql -c "select pg_create_logical_replication_slot('sample_full', 'wal2json'),
               pg_create_logical_replication_slot('sample_plain', 'wal2json')" >/dev/null
sql -f "$here/workload.sql" >/dev/null
changes() {  # slot, then option name/value pairs
  local slot=$1 options=""
  shift
  while [ $# -gt 0 ]; do options+=", '$1', '$2'"; shift 2; done
  sql -c "select data from pg_logical_slot_get_changes('$slot', null, null$options)"
}
changes sample_full format-version 2 include-lsn 1 include-xids 1 include-timestamp 1 include-pk 1 \
  >"$out/wal2json-v2-sample.jsonl"
changes sample_plain format-version 2 >"$out/wal2json-v2-sample-plain.jsonl"
echo "regenerate.sh: wrote $(wc -l <"$out/wal2json-v2-sample.jsonl") and $(wc -l <"$out/wal2json-v2-sample-plain.jsonl") lines to $out" >&2
