#!/usr/bin/env bash
# The SDK as a CMake package, as a plugin author meets it:
#  1. configure popyka with POPYKA_BUILD_HOST=OFF and every host library hidden from CMake, and
#     install: the prefix holds the SDK headers and the CMake package, nothing else;
#  2. build tests/out_of_tree/plugin against that prefix with find_package(Popyka 1.0);
#  3. build it again against the build tree's export (-DPopyka_DIR=<build dir>), no install;
#  4. add popyka to a parent project with add_subdirectory(): it imposes no flag, test or install;
#  5. install the whole build: popyka-host and the built-in plugins, no popyka-mock-kafka (a test
#     tool), and run the plugin of step 2 in that popyka-host with --replay.
#   run_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1. The SDK alone: no find_package of a host library may be needed (each one is disabled).
hidden=()
for package in PkgConfig yaml-cpp simdjson fmt spdlog Boost Threads CLI11 Catch2; do
  hidden+=(-DCMAKE_DISABLE_FIND_PACKAGE_$package=ON)
done
cmake -S "$source_dir" -B "$work/sdk-build" -DPOPYKA_BUILD_HOST=OFF "${hidden[@]}" >"$work/sdk-configure.log" ||
  { cat "$work/sdk-configure.log"; fail "the SDK alone does not configure without the host's libraries"; }
cmake --install "$work/sdk-build" --prefix "$work/sdk" >/dev/null
others=$(cd "$work/sdk" && find . -type f | grep -v -e '^\./include/popyka/' -e '^\./lib[^/]*/cmake/Popyka/' || true)
[ -z "$others" ] || fail "an SDK-only install holds more than the SDK: $others"
[ -f "$work/sdk/include/popyka/sdk/version.hpp" ] || fail "version.hpp is not installed"

# 2. The plugin against the SDK-only install.
cmake -S "$source_dir/tests/out_of_tree/plugin" -B "$work/plugin" -DCMAKE_PREFIX_PATH="$work/sdk" >/dev/null
cmake --build "$work/plugin" >/dev/null

# 3. The plugin against the build tree.
cmake -S "$source_dir/tests/out_of_tree/plugin" -B "$work/plugin-from-build-tree" -DPopyka_DIR="$build_dir" >/dev/null
cmake --build "$work/plugin-from-build-tree" >/dev/null
[ -f "$work/plugin-from-build-tree/only-table-filter.so" ] || fail "no plugin built against the build tree's export"

# 4. popyka as a subproject.
cmake -S "$source_dir/tests/out_of_tree/parent" -B "$work/parent" -DPOPYKA_SOURCE_DIR="$source_dir" -DPOPYKA_BUILD_HOST=OFF \
  >"$work/parent.log" 2>&1 || { cat "$work/parent.log"; fail "popyka as a subproject"; }
cmake --build "$work/parent" >/dev/null
cmake --install "$work/parent" --prefix "$work/parent-prefix" >/dev/null
[ ! -e "$work/parent-prefix" ] || fail "popyka as a subproject installs files: $(find "$work/parent-prefix" -type f)"

# 5. The whole install runs it.
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
[ -x "$work/prefix/bin/popyka-host" ] || fail "popyka-host is not installed"
[ ! -e "$work/prefix/bin/popyka-mock-kafka" ] || fail "popyka-mock-kafka, a test tool, is installed by default"

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
if grep -q '"table":"customers"' "$work/log"; then fail "the filter let customers through"; fi
if grep -q '"action":"B"' "$work/log"; then fail "the filter let BEGIN through"; fi
POPYKA_CONFIG="$work/popyka.yaml" POPYKA_PLUGIN_PATH="$work/plugin" "$work/prefix/bin/popyka-host" --list-plugins | grep -q 'outoftree.filters.OnlyTable'
echo "out-of-tree plugin: built with find_package(Popyka 1.0) from an SDK-only install and from the build tree, loaded and run"
