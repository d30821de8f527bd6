#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>

#include "popyka/sdk/plugin.hpp"

namespace popyka::plugin_loading {

// A plugin file that cannot be used, one line naming the file: not a plugin, another ABI
// version, the loader's own error.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One loaded plugin .so and its descriptor. Loaded with RTLD_LAZY | RTLD_LOCAL so plugins'
// private symbols never clash. Never unloaded while the host runs: components, their vtables
// and any exception they threw point into it.
struct PluginLibrary {
  std::filesystem::path path;
  const sdk::PluginDescriptor* descriptor = nullptr;
};

// Loads and checks one plugin file. Throws PluginLoadError.
PluginLibrary load_plugin_library(const std::filesystem::path& path);

}  // namespace popyka::plugin_loading
