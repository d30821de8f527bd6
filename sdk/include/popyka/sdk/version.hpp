#pragma once
#include <cstdint>

// The SDK's version. Every symbol of the SDK lives in `popyka::sdk::v1` (an inline namespace),
// so a plugin built against another major version fails to link instead of misbehaving.
#define POPYKA_SDK_ABI_VERSION 1
#define POPYKA_SDK_VERSION_STRING "1.0.0"

namespace popyka::sdk {
inline namespace v1 {

// The ABI version a plugin carries in its descriptor. The host refuses a plugin whose value
// differs from its own, naming both. It changes whenever a type crossing the boundary changes
// incompatibly; additions at the end of an interface's virtual functions do not change it.
inline constexpr std::uint32_t kAbiVersion = POPYKA_SDK_ABI_VERSION;

}  // namespace v1
}  // namespace popyka::sdk
