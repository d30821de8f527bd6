#!/usr/bin/env bash
# One version everywhere: sdk/include/popyka/sdk/version.hpp is the only place it is written
# (project(VERSION) reads it), and its major/minor/patch, popyka-host --version, the CMake
# package's version file and every example's find_package(Popyka x.y) agree with it.
#   one_version_test.sh SOURCE_DIR BUILD_DIR POPYKA_HOST
set -euo pipefail
source_dir=$1
build_dir=$2
host=$3
version_header=$source_dir/sdk/include/popyka/sdk/version.hpp
define() { sed -n "s/^#define POPYKA_VERSION_$1 \"*\([0-9.]*\)\"*$/\1/p" "$version_header"; }
version=$(define STRING)
abi=$(sed -n 's/^#define POPYKA_SDK_ABI_VERSION \([0-9]*\)$/\1/p' "$source_dir/sdk/include/popyka/sdk/abi.hpp")
fail() { echo "FAIL: $*"; exit 1; }
[ -n "$version" ] && [ -n "$abi" ] || fail "no version in version.hpp or no ABI in abi.hpp"

[ "$("$host" --version)" = "popyka-host $version (SDK ABI $abi)" ] || fail "--version says '$("$host" --version)'"
[ "$(define MAJOR).$(define MINOR).$(define PATCH)" = "$version" ] ||
  fail "version.hpp: POPYKA_VERSION_MAJOR/MINOR/PATCH say $(define MAJOR).$(define MINOR).$(define PATCH), POPYKA_VERSION_STRING says $version"
grep -q "^CMAKE_PROJECT_VERSION:STATIC=$version$" "$build_dir/CMakeCache.txt" || fail "project(VERSION) is not $version"
grep -q "set(PACKAGE_VERSION \"$version\")" "$build_dir/PopykaConfigVersion.cmake" || fail "PopykaConfigVersion.cmake"
for file in "$source_dir"/examples/*/CMakeLists.txt "$source_dir"/tests/out_of_tree/plugin/CMakeLists.txt; do
  grep -q "find_package(Popyka ${version%.*} REQUIRED)" "$file" || fail "$file does not ask for find_package(Popyka ${version%.*})"
done
# No other version literal hides in the sources.
if grep -rn --include='*.hpp' --include='*.cpp' --include='*.txt' --include='*.cmake' -e '"[0-9]\+\.[0-9]\+\.[0-9]\+"' \
    "$source_dir/sdk" "$source_dir/core" "$source_dir/plugins" | grep -iv 'librdkafka' | grep -v '/sdk/include/popyka/sdk/version.hpp:'; then
  fail "a version string literal besides version.hpp"
fi
# Code reads the version from version.hpp, never from a -D of its own.
if grep -rn --include=CMakeLists.txt --include='*.cmake' 'PROJECT_VERSION' "$source_dir/core" "$source_dir/plugins" "$source_dir/tools" "$source_dir/tests"; then
  fail "a second way to the version besides version.hpp"
fi
echo "one version: $version, SDK ABI $abi"
