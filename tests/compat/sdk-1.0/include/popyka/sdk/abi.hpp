#pragma once
#include <cstdint>

// The binary interface between popyka-host and plugins, and the rule that keeps it. Not the
// release version (version.hpp): it moves only when a plugin built against the previous headers could misbehave in a new host.
#define POPYKA_SDK_ABI_VERSION 1

namespace popyka::sdk {
// Every SDK name lives in the inline namespace `v<ABI>`: it is part of every mangled name, so
// code built against another ABI fails to link or load instead of misbehaving.
inline namespace v1 {

// The ABI version a plugin carries in its descriptor. The host refuses a plugin whose value
// differs from its own, naming both.
//
// THE RULE (the Itanium C++ ABI, which g++ and clang++ follow on Linux). Once released, a
// type that crosses the boundary is frozen:
//
// Keeps ABI 1 (a plugin built against 1.0 loads and runs in every 1.x host):
//   - new inline functions, new types, new headers (e.g. append_json_string);
//   - new values of enums that only the host reads (a new ComponentKind, ConfigType);
//   - a field appended to PluginDescriptor: descriptor_size says how much a plugin filled in.
//     A host reads an older, smaller descriptor up to its size (the rest takes defaults) and
//     refuses a newer, larger one by name: that plugin may rely on what this host lacks;
//   - a new capability as a NEW interface a class may also implement (say `class Batching`
//     beside Processor), which the host finds at load time with dynamic_cast on the component
//     (the interfaces' typeinfo is exported, see visibility.hpp). Old plugins do not implement
//     it and keep working; old interfaces do not change.
//
// Needs ABI 2 (kAbiVersion and the inline namespace move together, and the gate's baseline):
//   - any change to a virtual function of Component, Filter, Processor, ErrorHandler, Change or
//     Host: adding one, even at the end (a new Component virtual shifts every slot of the
//     derived interfaces; one appended to Processor is a slot an old plugin's vtable lacks; one
//     appended to Change or Host is a slot an old host lacks when a new plugin calls it),
//     removing, reordering, or changing a signature, const or noexcept;
//   - a field added to, removed from or retyped in Failure, Column, ClassInfo, ConfigKey or
//     ConfigKeys (arrays of them are indexed by their size), or PluginDescriptor other than at
//     its end; a changed enum value; a new or changed member of Value or Config (inline code
//     of the host and of plugins shares their layout);
//   - anything that changes the meaning of a call for a plugin already built (who owns what,
//     which thread calls, what an exception means).
//
// CHECKED: tests/abi (ctest `abi.*`, in .ci/run) builds a reference plugin that uses every
// type above and compares its ABI, with libabigail, to tests/abi/baseline/abi1.abi; any
// difference fails unless kAbiVersion moved too. tests/compat keeps a plugin built against a
// frozen copy of the 1.0 headers that every host must load and run.
inline constexpr std::uint32_t kAbiVersion = POPYKA_SDK_ABI_VERSION;

}  // namespace v1
}  // namespace popyka::sdk
