#!/usr/bin/env bash
# The Debian packages on this machine (run by .ci/run, as root; not by ctest: it installs into
# /usr): builds them (scripts/package), lintian finds no error, dpkg -i both, the installed
# popyka-host runs, finds its built-in plugins and streams changes into Kafka as the popyka
# user with the packaged config, a plugin builds against /usr with find_package(Popyka),
# systemd-analyze verify accepts the unit, then dpkg --purge leaves no file of theirs behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"  # it installs the packages
if dpkg-query -W popyka popyka-dev >/dev/null 2>&1; then
  echo "tests/package/run_test.sh: popyka is installed already; dpkg --purge popyka popyka-dev first"; exit 1
fi

scripts/package
debs=(build-package/popyka_*.deb build-package/popyka-dev_*.deb)
work=$(mktemp -d /tmp/popyka-package-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  dpkg --purge popyka-dev popyka >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
step() { echo "== package test: $*"; }

step "lintian"
lintian --fail-on error "${debs[@]}" || { echo "FAIL: lintian found errors"; exit 1; }

step "dpkg -i"
dpkg -i "${debs[@]}"
dpkg-query -W -f='${Depends}\n' popyka | tee "$work/depends.txt"
for library in librdkafka libpq libyaml-cpp libfmt; do
  grep -q "$library" "$work/depends.txt" || { echo "FAIL: Depends lacks $library (shlibdeps)"; exit 1; }
done
dpkg-query -W -f='${Conffiles}\n' popyka | grep -q '/etc/popyka/popyka.yaml' || { echo "FAIL: popyka.yaml is no conffile"; exit 1; }
[ "$(stat -c %a /etc/default/popyka)" = 600 ] || { echo "FAIL: /etc/default/popyka is not mode 0600"; exit 1; }
getent passwd popyka >/dev/null || { echo "FAIL: no popyka system user"; exit 1; }

step "popyka-host --version, --list-plugins"
/usr/bin/popyka-host --version | grep -q "^popyka-host "
/usr/bin/popyka-host --list-plugins | tee "$work/plugins.txt"
for class in popyka.builtin.processors.ProduceToKafkaProcessor popyka.builtin.filters.IgnoreTxFilter; do
  grep "$class" "$work/plugins.txt" | grep -q /usr/lib/popyka/plugins/ || { echo "FAIL: $class not from /usr/lib/popyka/plugins"; exit 1; }
done

step "systemd-analyze verify"
# It warns about an unknown or misspelt setting without failing: any output fails here.
systemd-analyze verify /usr/lib/systemd/system/popyka.service >"$work/verify.txt" 2>&1 || true
if [ -s "$work/verify.txt" ]; then cat "$work/verify.txt"; echo "FAIL: systemd-analyze verify"; exit 1; fi

step "an example plugin built against /usr with find_package(Popyka)"
cmake -S examples/column_value_filter -B "$work/plugin" >/dev/null
cmake --build "$work/plugin" >/dev/null
POPYKA_PLUGIN_PATH="$work/plugin" /usr/bin/popyka-host --list-plugins | grep -q examples.filters.ColumnValueFilter

step "the installed popyka-host streams changes into Kafka (as the popyka user, /etc/popyka/popyka.yaml)"
build-package/bin/popyka-throwaway-postgres >"$work/postgres.out" 2>"$work/postgres.log" &
pids+=($!)
build-package/bin/popyka-mock-kafka --no-stdin --topic popyka:1 >"$work/kafka.out" 2>"$work/kafka.log" &
pids+=($!)
for _ in $(seq 150); do [ -s "$work/postgres.out" ] && [ -s "$work/kafka.out" ] && break; sleep 0.2; done
dsn=$(head -n1 "$work/postgres.out")
bootstrap=$(head -n1 "$work/kafka.out")
psql "$dsn" -q -c "create table package_test(id int primary key, name text)"
env -i PATH=/usr/bin:/bin POPYKA_CONFIG=/etc/popyka/popyka.yaml POPYKA_DB_DSN="$dsn" \
  POPYKA_KAFKA_BOOTSTRAP_SERVERS="$bootstrap" \
  setpriv --reuid popyka --regid popyka --clear-groups /usr/bin/popyka-host 2>"$work/host.log" &
host_pid=$!
for _ in $(seq 150); do grep -q 'streaming replication slot' "$work/host.log" && break; sleep 0.2; done
grep -q 'streaming replication slot' "$work/host.log" || { cat "$work/host.log"; echo "FAIL: popyka-host did not stream"; exit 1; }
psql "$dsn" -q -c "insert into package_test values (1, 'one'), (2, 'two'), (3, 'three')"
for _ in $(seq 150); do
  kcat -C -b "$bootstrap" -t popyka -o beginning -e -q >"$work/kafka.txt" 2>/dev/null || true
  [ "$(grep -c package_test "$work/kafka.txt")" -ge 3 ] && break
  sleep 0.2
done
for name in one two three; do grep -q "\"$name\"" "$work/kafka.txt" || { cat "$work/kafka.txt"; echo "FAIL: $name not in Kafka"; exit 1; }; done
kill -TERM "$host_pid"
wait "$host_pid" || { cat "$work/host.log"; echo "FAIL: popyka-host did not stop cleanly on SIGTERM"; exit 1; }

step "dpkg --purge leaves no file behind"
dpkg-query -L popyka popyka-dev | sort -u >"$work/files.txt"
dpkg --purge popyka-dev popyka
left=()
while read -r path; do
  [ -z "$path" ] && continue
  # Directories other packages share (/usr, /etc/default...) stay; anything of ours must go.
  if [ -d "$path" ] && ! [[ "$path" =~ popyka|Popyka ]]; then continue; fi
  [ -e "$path" ] && left+=("$path")
done <"$work/files.txt"
[ -e /var/lib/popyka ] && left+=(/var/lib/popyka)
if [ ${#left[@]} -gt 0 ]; then printf 'FAIL: left after purge: %s\n' "${left[@]}"; exit 1; fi
echo "package test: passed ($(wc -l <"$work/files.txt") paths removed)"
