#pragma once
// The one place popyka's version is written: the top CMakeLists.txt reads POPYKA_VERSION_STRING
// from here into project(VERSION), so popyka-host, the SDK and the CMake package
// (find_package(Popyka 1.0)) all carry it. A plain header, so sdk/include compiles as it is in
// the source tree. tests/out_of_tree/one_version_test.sh checks the numbers below agree with it.
#define POPYKA_VERSION_STRING "1.0.0"
#define POPYKA_VERSION_MAJOR 1
#define POPYKA_VERSION_MINOR 0
#define POPYKA_VERSION_PATCH 0
// The SDK release a plugin was built with (recorded in its descriptor, shown by --list-plugins).
#define POPYKA_SDK_VERSION_STRING POPYKA_VERSION_STRING

// The binary interface, which moves on its own (rarely): kAbiVersion.
#include "popyka/sdk/abi.hpp"
