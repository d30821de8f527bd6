#!/usr/bin/env bash
# The SDK's ABI gate. Builds the ABI reference plugin (tests/abi/reference_plugin.cpp) against
# the SDK headers in INCLUDE_DIRs the way plugins are built, records its ABI with libabigail's
# abidw, and compares it with the committed baseline of the headers' kAbiVersion
# (tests/abi/baseline/abi<N>.abi) using abidiff:
#   - no difference (or only what tests/abi/allowed.suppr allows): pass;
#   - any other difference: fail, printing abidiff's report, unless kAbiVersion moved to a
#     version that has no baseline yet (an ABI 2 SDK): pass, with a note to record one.
#
#   tests/abi/check_abi.sh CXX INCLUDE_DIR...            the gate
#   tests/abi/check_abi.sh --update CXX INCLUDE_DIR...   record the baseline anew
# (the SDK's headers: sdk/include)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
update=0
if [ "${1:-}" = --update ]; then update=1; shift; fi
cxx=$1
shift
include_flags=()
for dir in "$@"; do include_flags+=(-I"$dir"); done
baseline_dir=$here/baseline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

abi=$(printf '#include <popyka/sdk/abi.hpp>\nPOPYKA_SDK_ABI_VERSION\n' | "$cxx" -E -P -x c++ "${include_flags[@]}" - | tail -1)
case $abi in ''|*[!0-9]*) echo "abi gate: cannot read POPYKA_SDK_ABI_VERSION from popyka/sdk/abi.hpp in $*"; exit 1 ;; esac
baseline="$baseline_dir/abi$abi.abi"

# The flags popyka_add_plugin() uses, plus -g -O0 so every type is described the same way.
"$cxx" -std=c++20 -g -O0 -shared -fPIC -fvisibility=hidden -fvisibility-inlines-hidden \
  -fdebug-prefix-map="$PWD"=. "${include_flags[@]}" "$here/reference_plugin.cpp" -o "$work/popyka-abi-reference.so"
# Paths would differ between checkouts; the ABI does not.
abidw --no-corpus-path --short-locs "$work/popyka-abi-reference.so" >"$work/current.abi"

if [ "$update" = 1 ]; then
  mkdir -p "$baseline_dir"
  cp "$work/current.abi" "$baseline"
  echo "abi gate: recorded $baseline"
  exit 0
fi
if [ ! -f "$baseline" ]; then
  echo "abi gate: kAbiVersion is $abi and no baseline is recorded for it: a new ABI version, nothing to compare."
  echo "abi gate: record it with: tests/abi/check_abi.sh --update $cxx $*"
  exit 0
fi
status=0
abidiff --suppressions "$here/allowed.suppr" --no-added-syms "$baseline" "$work/current.abi" >"$work/report" || status=$?
if [ "$status" -ne 0 ]; then
  cat "$work/report"
  echo "abi gate: FAILED: the SDK's ABI differs from ABI $abi's baseline ($baseline)."
  echo "abi gate: keep the change out of frozen types (see popyka/sdk/abi.hpp), or move kAbiVersion to $((abi + 1))"
  echo "abi gate: and the inline namespace to v$((abi + 1)), then record its baseline (--update)."
  exit 1
fi
echo "abi gate: the SDK keeps ABI $abi (no difference from $baseline)"
