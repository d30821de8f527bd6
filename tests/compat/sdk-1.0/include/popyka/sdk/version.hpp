#pragma once
// FROZEN: the SDK 1.0 headers as released, version.hpp as CMake generated it (tests/compat).
// Never edit this copy.
#define POPYKA_VERSION_STRING "1.0.0"
#define POPYKA_VERSION_MAJOR 1
#define POPYKA_VERSION_MINOR 0
#define POPYKA_VERSION_PATCH 0
// The SDK release a plugin was built with (recorded in its descriptor, shown by --list-plugins).
#define POPYKA_SDK_VERSION_STRING POPYKA_VERSION_STRING

// The binary interface, which moves on its own (rarely): kAbiVersion.
#include "popyka/sdk/abi.hpp"
