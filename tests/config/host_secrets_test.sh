#!/usr/bin/env bash
# popyka-host never prints a secret from its config: not in --check-config's output, not in the
# errors and logs of a run that cannot connect (including libpq's own message quoting the DSN).
#   host_secrets_test.sh POPYKA_HOST
set -euo pipefail
host=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/popyka.yaml" <<'YAML'
database:
  connect_url: "${TEST_DSN}"
  slot_name: popyka_secrets_test
  reconnect_initial_s: 0.1
filters: []
processors:
  - class: popyka.builtin.processors.LogChangeProcessor
  - class: popyka.builtin.processors.ProduceToKafkaProcessor
    config:
      topic: t
      producer_config:
        bootstrap.servers: 127.0.0.1:1
        client.id: secrets-test
        security.protocol: SASL_PLAINTEXT
        sasl.mechanism: PLAIN
        sasl.username: kafka-user
        sasl.password: KafkaSecret42
        ssl.key.password: KeyPassword43
YAML
secrets=(PgSecret41 KafkaSecret42 KeyPassword43)
failed=0

# Runs popyka-host with TEST_DSN=$2; expects exit code $1; no secret may be in stdout or stderr.
check() {
  local expected=$1 dsn=$2 label=$3; shift 3
  local code=0
  TEST_DSN="$dsn" POPYKA_CONFIG="$dir/popyka.yaml" POPYKA_LOG_LEVEL=debug timeout 60 "$host" "$@" \
    > "$dir/out" 2> "$dir/err" || code=$?
  if [ "$code" != "$expected" ]; then
    echo "FAIL $label: exit code $code, expected $expected"; cat "$dir/out" "$dir/err"; failed=1
  fi
  for s in "${secrets[@]}"; do
    if grep -q "$s" "$dir/out" "$dir/err"; then
      echo "FAIL $label: '$s' printed:"; grep -h "$s" "$dir/out" "$dir/err"; failed=1
    fi
  done
  [ "$failed" = 1 ] || echo "ok $label"
}

check 0 "host=127.0.0.1 port=1 user=u password='PgSecret41 x\\'y' dbname=db" "--check-config, key=value DSN" --check-config
check 0 "postgresql://u:PgSecret41@127.0.0.1:1/db" "--check-config, URI DSN" --check-config
# libpq quotes a token it cannot decode: "invalid percent-encoded token: "PgSecret41%zz"".
check 1 "postgresql://u:PgSecret41%zz@127.0.0.1:1/db" "malformed URI" 
grep -q "percent-encoded" "$dir/err" || { echo "FAIL malformed URI: libpq's reason is missing"; cat "$dir/err"; failed=1; }
check 1 "host=127.0.0.1 port=1 user=u password=PgSecret41 dbname=db" "connection refused"
check 1 "host=127.0.0.1 port=1 password=PgSecret41 bogus" "malformed key=value"
exit $failed
