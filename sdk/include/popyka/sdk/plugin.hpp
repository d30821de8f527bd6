#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "popyka/sdk/error_handler.hpp"
#include "popyka/sdk/filter.hpp"
#include "popyka/sdk/processor.hpp"
#include "popyka/sdk/version.hpp"

namespace popyka::sdk {
inline namespace v1 {

enum class ComponentKind : std::uint32_t { Filter = 1, Processor = 2, ErrorHandler = 3 };

// One key a class accepts in its `config:`, for validation and for `popyka-host --list-plugins`.
struct ConfigKey {
  const char* name;
  const char* help;
};

// The keys a class accepts. The host rejects any other key, naming it, before setup() runs.
struct ConfigKeys {
  const ConfigKey* keys = nullptr;
  std::size_t count = 0;
  bool any = false;  // accept every key: the class validates its config itself

  static constexpr ConfigKeys none() { return {}; }
  static constexpr ConfigKeys any_keys() { return {nullptr, 0, true}; }
  template <std::size_t N>
  static constexpr ConfigKeys of(const ConfigKey (&list)[N]) { return {list, N, false}; }
};

// One class a plugin provides. Build it with popyka::sdk::plugin_class<T>().
struct ClassInfo {
  ComponentKind kind;
  const char* name;  // what users write in `class:`, e.g. "mycompany.filters.OnlyOrders"
  Component* (*create)();
  void (*destroy)(Component*);
  ConfigKeys config_keys;
};

// What a plugin's entry point returns. The first field never moves, so the host can read the
// ABI version of any plugin, old or new, and refuse a mismatch by name.
struct PluginDescriptor {
  std::uint32_t abi_version;
  std::uint32_t descriptor_size;   // sizeof(PluginDescriptor) the plugin was built with
  std::uint32_t cxx11_string_abi;  // _GLIBCXX_USE_CXX11_ABI: std::string crosses the boundary
  const char* sdk_version;
  const ClassInfo* classes;
  std::size_t class_count;
};

template <class T>
constexpr ComponentKind kind_of() {
  if constexpr (std::is_base_of_v<Filter, T>) return ComponentKind::Filter;
  else if constexpr (std::is_base_of_v<Processor, T>) return ComponentKind::Processor;
  else {
    static_assert(std::is_base_of_v<ErrorHandler, T>, "a plugin class derives from Filter, Processor or ErrorHandler");
    return ComponentKind::ErrorHandler;
  }
}

// Describes class T under `name`, created with `new T()` and deleted inside the plugin.
template <class T>
constexpr ClassInfo plugin_class(const char* name, ConfigKeys keys = ConfigKeys::any_keys()) {
  return ClassInfo{kind_of<T>(), name, []() -> Component* { return new T(); },
                   [](Component* c) { delete static_cast<T*>(c); }, keys};
}

// The std::string ABI of this translation unit (libstdc++'s dual ABI).
#if defined(_GLIBCXX_USE_CXX11_ABI)
inline constexpr std::uint32_t kCxx11StringAbi = _GLIBCXX_USE_CXX11_ABI;
#else
inline constexpr std::uint32_t kCxx11StringAbi = 0;
#endif

template <std::size_t N>
constexpr PluginDescriptor make_descriptor(const ClassInfo (&classes)[N]) {
  return PluginDescriptor{kAbiVersion, sizeof(PluginDescriptor), kCxx11StringAbi, POPYKA_SDK_VERSION_STRING, classes, N};
}

}  // namespace v1
}  // namespace popyka::sdk

// The one symbol every plugin exports: `extern "C" const PluginDescriptor* popyka_plugin_descriptor()`.
#define POPYKA_PLUGIN_ENTRY_POINT popyka_plugin_descriptor
#define POPYKA_PLUGIN_ENTRY_POINT_NAME "popyka_plugin_descriptor"

// Declares a plugin's classes, once per .so:
//
//   POPYKA_PLUGIN(popyka::sdk::plugin_class<OnlyOrders>("mycompany.filters.OnlyOrders"),
//                 popyka::sdk::plugin_class<ToFile>("mycompany.processors.ToFile", ToFile::keys()));
#define POPYKA_PLUGIN(...)                                                                        \
  extern "C" __attribute__((visibility("default"))) const ::popyka::sdk::PluginDescriptor*      \
  POPYKA_PLUGIN_ENTRY_POINT() {                                                                   \
    static constexpr ::popyka::sdk::ClassInfo popyka_classes[] = {__VA_ARGS__};                  \
    static constexpr ::popyka::sdk::PluginDescriptor popyka_descriptor =                         \
        ::popyka::sdk::make_descriptor(popyka_classes);                                           \
    return &popyka_descriptor;                                                                    \
  }
