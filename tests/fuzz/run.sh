#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) and runs each for
# the given number of seconds over its checked-in corpus (tests/fuzz/corpus/<target>/).
#   tests/fuzz/run.sh TARGET|all SECONDS
# Targets: fuzz_wal2json_decoder fuzz_pgoutput_decoder fuzz_replication_protocol fuzz_config fuzz_replay.
# New inputs go to $POPYKA_FUZZ_BUILD_DIR/corpus/<target> (default build dir: build-fuzz), crashes
# to $POPYKA_FUZZ_BUILD_DIR/artifacts/<target>/ (reproduce: build-fuzz/bin/<target> FILE). A
# finding gets a regression test in tests/decode, tests/source or tests/config, and its input goes into the corpus.
# Exits non-zero when a target found something. POPYKA_FUZZ_JOBS=N runs N processes per target.
set -euo pipefail
cd "$(dirname "$0")/../.."
all_targets=(fuzz_wal2json_decoder fuzz_pgoutput_decoder fuzz_replication_protocol fuzz_config fuzz_replay)
if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 TARGET|all SECONDS (targets: ${all_targets[*]})" >&2
  exit 2
fi
if [ "$1" = all ]; then
  targets=("${all_targets[@]}")
elif [[ " ${all_targets[*]} " == *" $1 "* ]]; then
  targets=("$1")
else
  echo "$0: unknown target '$1' (targets: ${all_targets[*]})" >&2
  exit 2
fi
seconds=$2
build=${POPYKA_FUZZ_BUILD_DIR:-build-fuzz}
parallel=()
[ "${POPYKA_FUZZ_JOBS:-1}" -gt 1 ] && parallel=(-jobs="$POPYKA_FUZZ_JOBS" -workers="$POPYKA_FUZZ_JOBS")

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOPYKA_BUILD_FUZZ=ON -DPOPYKA_BUILD_TESTS=OFF
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

# 0 seconds: run the corpus once (libFuzzer's -max_total_time=0 would mean "forever").
duration=(-max_total_time="$seconds")
[ "$seconds" -eq 0 ] && duration=(-runs=0)
failed=()
for target in "${targets[@]}"; do
  work="$build/corpus/$target"
  artifacts="$build/artifacts/$target/"
  mkdir -p "$work" "$artifacts"
  dict=()
  [ -f "tests/fuzz/dicts/$target.dict" ] && dict=(-dict="tests/fuzz/dicts/$target.dict")
  echo "== $target: ${seconds}s"
  if ! UBSAN_OPTIONS=print_stacktrace=1 \
      "$build/bin/$target" "${duration[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
      "${parallel[@]}" -print_final_stats=1 -artifact_prefix="$artifacts" "${dict[@]}" \
      "$work" "tests/fuzz/corpus/$target"; then
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (inputs under $build/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${targets[*]}: nothing found in ${seconds}s each"
