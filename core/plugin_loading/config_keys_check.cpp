#include <algorithm>

#include <fmt/format.h>

#include "plugin_loading/component_ptr.hpp"

namespace popyka::plugin_loading {

void check_config_keys(const RegisteredClass& registered, const sdk::Config& config) {
  const sdk::ConfigKeys& accepted = registered.info->config_keys;
  if (accepted.any) return;
  const sdk::ConfigKey* begin = accepted.keys;
  const sdk::ConfigKey* end = accepted.keys + accepted.count;
  for (const auto& [key, value] : config.entries()) {
    if (std::any_of(begin, end, [&](const sdk::ConfigKey& k) { return key == k.name; })) continue;
    if (accepted.count == 0)
      throw sdk::ConfigError(fmt::format("{}: {} takes no config (remove the key)", config.child_path(key), registered.info->name));
    std::string names;
    for (const sdk::ConfigKey* k = begin; k != end; ++k) names += (names.empty() ? "" : ", ") + std::string(k->name);
    throw sdk::ConfigError(fmt::format("{}: unknown key for {} (expected one of: {})", config.child_path(key), registered.info->name, names));
  }
}

}  // namespace popyka::plugin_loading
