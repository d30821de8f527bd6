#!/usr/bin/env bash
# The SDK's headers compile as they are in the source tree, each on its own, with nothing but
# -I sdk/include: no generated header, no build directory.
#   headers_stand_alone_test.sh CXX SDK_INCLUDE_DIR
set -euo pipefail
cxx=$1
sdk_include=$2
failures=0
while IFS= read -r header; do
  if ! echo "#include <${header#"$sdk_include"/}>" | "$cxx" -std=c++20 -fsyntax-only -I"$sdk_include" -x c++ -; then
    echo "FAIL: ${header#"$sdk_include"/} does not compile on its own from $sdk_include"
    failures=$((failures + 1))
  fi
done < <(find "$sdk_include" -name '*.hpp' | sort)
[ "$failures" = 0 ] || exit 1
echo "every SDK header compiles on its own from $sdk_include"
