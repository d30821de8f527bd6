#!/usr/bin/env bash
# popyka-host --describe CLASS prints the class's config keys (type, required or default, help)
# for every built-in class, and names an unknown class in one line with exit 1.
#   describe_test.sh POPYKA_HOST
set -euo pipefail
host=$1
export POPYKA_PLUGIN_PATH=
fail() { echo "FAIL: $*"; exit 1; }

classes=$("$host" --list-plugins | grep -o 'popyka\.builtin\.[A-Za-z_.]*')
[ "$(echo "$classes" | wc -l)" -ge 8 ] || fail "expected every built-in class, got: $classes"
for class in $classes; do
  out=$("$host" --describe "$class") || fail "--describe $class exited $?"
  echo "$out" | head -1 | grep -q " $class (.*popyka.*\.so, SDK " || fail "--describe $class header: $out"
  echo "$out" | grep -q '^config' || fail "--describe $class says nothing about config: $out"
done

out=$("$host" --describe popyka.builtin.filters.TableNameIgnoreFilter | tail -n +2)
expected='config:
  ignore_regex           string  required               regular expression (ECMAScript) matched against the whole table name'
[ "$out" = "$expected" ] || fail "TableNameIgnoreFilter: got
$out"

out=$("$host" --describe popyka.builtin.processors.ProduceToKafkaProcessor)
echo "$out" | grep -q '^  topic  *string  *required  *Kafka topic' || fail "Kafka topic: $out"
echo "$out" | grep -q '^  producer_config  *map  *required ' || fail "Kafka producer_config: $out"
echo "$out" | grep -q '^  key  *string  *default: primary_key ' || fail "Kafka key: $out"
echo "$out" | grep -q '^  topic_without_table  *string  *optional ' || fail "Kafka topic_without_table: $out"

[ "$("$host" --describe popyka.builtin.filters.IgnoreTxFilter | tail -n +2)" = "config: none (the class takes no keys)" ] || fail "IgnoreTxFilter"

set +e
err=$("$host" --describe no.such.Class 2>&1 >/dev/null)
status=$?
set -e
[ "$status" = 1 ] || fail "unknown class exited $status"
echo "$err" | tail -1 | grep -q "^popyka-host: error: --describe no.such.Class: neither a section of popyka-host's config (database, metrics, filters, processors) nor a class a plugin provides (known: popyka.builtin" || fail "unknown class: $err"
echo "--describe: every built-in class described"
