#include "plugin_loading/plugin_registry.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace popyka::plugin_loading {
namespace fs = std::filesystem;

std::string_view kind_name(sdk::ComponentKind kind) {
  switch (kind) {
    case sdk::ComponentKind::Filter: return "filter";
    case sdk::ComponentKind::Processor: return "processor";
    case sdk::ComponentKind::ErrorHandler: return "error handler";
  }
  return "unknown kind";
}

// "a filter", "an error handler".
std::string a_kind(sdk::ComponentKind kind) {
  const std::string_view name = kind_name(kind);
  return fmt::format("{} {}", std::string_view("aeiou").find(name.front()) == std::string_view::npos ? "a" : "an", name);
}

void PluginRegistry::load(const std::vector<fs::path>& search_path) {
  for (const fs::path& entry : search_path) {
    std::error_code error;
    if (fs::is_directory(entry, error)) {
      std::vector<fs::path> files;
      for (const auto& file : fs::directory_iterator(entry))
        if (file.path().extension() == ".so" && !file.is_directory()) files.push_back(file.path());
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) add(load_plugin_library(file));
    } else if (fs::exists(entry, error)) {
      add(load_plugin_library(entry));
    } else {
      throw PluginLoadError(fmt::format("plugin path {}: no such file or directory (check POPYKA_PLUGIN_PATH)", entry.string()));
    }
  }
}

void PluginRegistry::add(const PluginLibrary& library) {
  const sdk::PluginDescriptor& d = *library.descriptor;
  spdlog::debug("loaded plugin {} (SDK ABI {}, SDK {}, {} classes)", library.path.string(), d.abi_version, d.sdk_version, d.class_count);
  for (std::size_t i = 0; i < d.class_count; ++i) {
    const sdk::ClassInfo& info = d.classes[i];
    if (auto existing = classes_.find(info.name); existing != classes_.end())
      throw PluginLoadError(fmt::format("plugin {}: class '{}' is already provided by {}: remove one of the two files",
                                        library.path.string(), info.name, existing->second.file.string()));
    classes_.emplace(info.name, RegisteredClass{&info, library.path, d.sdk_version});
  }
}

const RegisteredClass& PluginRegistry::find(sdk::ComponentKind kind, std::string_view name, const std::string& where) const {
  auto found = classes_.find(name);
  if (found != classes_.end() && found->second.info->kind == kind) return found->second;
  std::string known;
  for (const auto& [class_name, registered] : classes_)
    if (registered.info->kind == kind) known += (known.empty() ? "" : ", ") + class_name;
  if (found != classes_.end())
    throw sdk::ConfigError(fmt::format("{}: '{}' is {}, not {}", where, name, a_kind(found->second.info->kind), a_kind(kind)));
  throw sdk::ConfigError(fmt::format("{}: unknown {} class '{}' (known: {}; add its plugin's directory to POPYKA_PLUGIN_PATH)", where,
                                     kind_name(kind), name, known.empty() ? "none" : known));
}

fs::path builtin_plugin_dir() {
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  return executable.parent_path().parent_path() / "lib" / "popyka" / "plugins";
}

}  // namespace popyka::plugin_loading
