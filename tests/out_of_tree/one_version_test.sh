#!/usr/bin/env bash
# One version everywhere: project(popyka VERSION x.y.z) is the only place it is written, and
# popyka-host --version, the generated SDK header, the CMake package's version file and every
# example's find_package(Popyka x.y) agree with it.
#   one_version_test.sh SOURCE_DIR BUILD_DIR POPYKA_HOST
set -euo pipefail
source_dir=$1
build_dir=$2
host=$3
version=$(sed -n 's/^project(popyka VERSION \([0-9.]*\) .*/\1/p' "$source_dir/CMakeLists.txt")
abi=$(sed -n 's/^#define POPYKA_SDK_ABI_VERSION \([0-9]*\)$/\1/p' "$source_dir/sdk/include/popyka/sdk/abi.hpp")
fail() { echo "FAIL: $*"; exit 1; }
[ -n "$version" ] && [ -n "$abi" ] || fail "no version in CMakeLists.txt or no ABI in abi.hpp"

[ "$("$host" --version)" = "popyka-host $version (SDK ABI $abi)" ] || fail "--version says '$("$host" --version)'"
grep -qx "#define POPYKA_VERSION_STRING \"$version\"" "$build_dir/sdk/include/popyka/sdk/version.hpp" || fail "version.hpp"
grep -q "set(PACKAGE_VERSION \"$version\")" "$build_dir/PopykaConfigVersion.cmake" || fail "PopykaConfigVersion.cmake"
for file in "$source_dir"/examples/*/CMakeLists.txt "$source_dir"/tests/out_of_tree/plugin/CMakeLists.txt; do
  grep -q "find_package(Popyka ${version%.*} REQUIRED)" "$file" || fail "$file does not ask for find_package(Popyka ${version%.*})"
done
# No other version literal hides in the sources.
if grep -rn --include='*.hpp' --include='*.cpp' --include='*.txt' --include='*.cmake' -e '"[0-9]\+\.[0-9]\+\.[0-9]\+"' \
    "$source_dir/sdk" "$source_dir/core" "$source_dir/plugins" | grep -iv 'librdkafka'; then
  fail "a version string literal besides project(VERSION)"
fi
echo "one version: $version, SDK ABI $abi"
