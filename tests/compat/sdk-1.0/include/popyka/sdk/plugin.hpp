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

// What a class is. The host refuses a value it does not know (a plugin built for a newer SDK).
enum class ComponentKind : std::uint32_t { Filter = 1, Processor = 2, ErrorHandler = 3 };

// The type of a config key's value, checked by the host before setup() (see ConfigKey).
enum class ConfigType : std::uint32_t {
  String = 1,  // any YAML scalar, read with Config::as_string()
  Int = 2,     // a scalar that Config::as_int64() reads
  Double = 3,  // a scalar that Config::as_double() reads
  Bool = 4,    // a scalar that Config::as_bool() reads: true/false, yes/no, on/off
  List = 5,    // a YAML sequence
  Map = 6,     // a YAML mapping
};

// One key of a class's `config:`, as Fluent Bit's config_map: the host checks every key's type,
// reports a missing required key, fills in defaults before setup(), rejects keys the class does
// not declare, and prints the table with `popyka-host --describe CLASS`. The class then reads
// typed values and need not check them again. Build one with required_key() or optional_key().
//
// OWNERSHIP: the plugin's, static: every pointer points into the .so (string literals), which
// stays loaded while the host runs.
struct ConfigKey {
  const char* name;
  ConfigType type;
  bool required;              // a missing (or null) key is an error naming its YAML path
  const char* default_value;  // YAML text put in when the key is missing (scalar types only); nullptr: none
  const char* help;           // one line for --describe
};

// A key the user must give.
constexpr ConfigKey required_key(const char* name, ConfigType type, const char* help) {
  return ConfigKey{name, type, true, nullptr, help};
}
// A key the user may leave out: the host then puts in `default_value` (YAML text, e.g. "60",
// "true", "primary_key"), or nothing when it is nullptr.
constexpr ConfigKey optional_key(const char* name, ConfigType type, const char* default_value, const char* help) {
  return ConfigKey{name, type, false, default_value, help};
}

// The keys a class accepts. A class that declares none accepts no `config:` at all; `any_keys()`
// is the explicit opt-out for a class that checks an open-ended config itself.
//
// OWNERSHIP: a view of a static array of the plugin's (see ConfigKey).
struct ConfigKeys {
  const ConfigKey* keys = nullptr;
  std::size_t count = 0;
  bool any = false;  // accept every key unchecked: the class validates its config itself

  static constexpr ConfigKeys none() { return {}; }
  static constexpr ConfigKeys any_keys() { return {nullptr, 0, true}; }
  template <std::size_t N>
  static constexpr ConfigKeys of(const ConfigKey (&list)[N]) { return {list, N, false}; }
};

// One class a plugin provides. Build it with popyka::sdk::plugin_class<T>().
//
// OWNERSHIP: the plugin's, static (POPYKA_PLUGIN puts it in a constexpr array); the host keeps
// pointers to it for its whole run, as the .so is never unloaded.
// THREADING: create and destroy are called on the pipeline thread (and at startup on the main
// thread); each call creates or destroys one object, nothing is shared between them.
struct ClassInfo {
  ComponentKind kind;
  const char* name;  // what users write in `class:`, e.g. "mycompany.filters.OnlyOrders"
  Component* (*create)();             // `new T()`: never null
  void (*destroy)(Component*);        // `delete` of what create() returned: never null
  ConfigKeys config_keys;
};

// What a plugin's entry point returns. The first field never moves, so the host can read the
// ABI version of any plugin, old or new, and refuse a mismatch by name.
//
// SIZE RULE: fields are only ever appended (abi.hpp). descriptor_size is what the plugin was
// built with: a host reads a smaller (older) descriptor up to its size and refuses a larger one
// (built against a newer SDK than the host's), naming both sizes. Smaller than SDK 1.0's
// descriptor is not a descriptor: refused.
// OWNERSHIP: the plugin's, static; valid while the .so is loaded, that is, for the host's run.
struct PluginDescriptor {
  std::uint32_t abi_version;
  std::uint32_t descriptor_size;   // sizeof(PluginDescriptor) the plugin was built with
  std::uint32_t cxx11_string_abi;  // _GLIBCXX_USE_CXX11_ABI: std::string crosses the boundary
  const char* sdk_version;         // POPYKA_SDK_VERSION_STRING the plugin was built with
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

// Describes class T under `name`, created with `new T()` and deleted inside the plugin, taking
// the config keys `keys` (none by default: any key in its `config:` is an error).
template <class T>
constexpr ClassInfo plugin_class(const char* name, ConfigKeys keys = ConfigKeys::none()) {
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
