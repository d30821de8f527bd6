#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "plugin_loading/plugin_library.hpp"

namespace popyka::plugin_loading {

// A class some plugin provides.
struct RegisteredClass {
  const sdk::ClassInfo* info = nullptr;
  std::filesystem::path file;
  std::string_view sdk_version;
};

std::string_view kind_name(sdk::ComponentKind kind);  // "filter", "processor", "error handler"

// Every class of every loaded plugin, by name.
class PluginRegistry {
 public:
  // Loads each entry of `search_path`: a directory gives every `*.so` in it (in name order), a
  // file gives itself. Throws PluginLoadError for a missing entry, a bad plugin or a class name
  // that two plugins provide.
  void load(const std::vector<std::filesystem::path>& search_path);
  void add(const PluginLibrary& library);

  // The class `name` of `kind`; throws sdk::ConfigError `<where>: unknown <kind> class 'x'
  // (known: ...)` otherwise.
  const RegisteredClass& find(sdk::ComponentKind kind, std::string_view name, const std::string& where) const;

  // Every class, by name.
  const std::map<std::string, RegisteredClass, std::less<>>& classes() const noexcept { return classes_; }

 private:
  std::map<std::string, RegisteredClass, std::less<>> classes_;
};

// Where the built-in plugins are: `../lib/popyka/plugins` beside the running executable, the
// same in the build tree and under an install prefix.
std::filesystem::path builtin_plugin_dir();

}  // namespace popyka::plugin_loading
