#include "plugin_loading/config_schema.hpp"

#include <span>

#include <fmt/format.h>

namespace popyka::plugin_loading {
namespace {

std::span<const sdk::ConfigKey> declared(const sdk::ConfigKeys& keys) { return {keys.keys, keys.count}; }

bool is_scalar_type(sdk::ConfigType type) {
  return type == sdk::ConfigType::String || type == sdk::ConfigType::Int || type == sdk::ConfigType::Double ||
         type == sdk::ConfigType::Bool;
}

std::string type_name(sdk::ConfigType type) { return config::type_name(config::of_type(type)); }

}  // namespace

std::vector<config::Key> declared_keys(const sdk::ConfigKeys& keys) {
  std::vector<config::Key> out;
  for (const sdk::ConfigKey& key : declared(keys)) {
    std::optional<std::string> default_value;
    if (key.default_value != nullptr) default_value = key.default_value;
    out.push_back(config::Key{key.name, config::of_type(key.type), key.required, std::move(default_value), key.help ? key.help : ""});
  }
  return out;
}

std::optional<std::string> config_keys_problem(const sdk::ConfigKeys& keys) {
  if (keys.count > 0 && keys.keys == nullptr) return fmt::format("declares {} config keys but gives none", keys.count);
  for (const sdk::ConfigKey& key : declared(keys)) {
    if (key.name == nullptr || *key.name == '\0') return std::string("declares a config key without a name");
    if (type_name(key.type).empty())
      return fmt::format("config key '{}' has type {}, unknown to this host (built for a newer SDK?)", key.name,
                         static_cast<std::uint32_t>(key.type));
    for (const sdk::ConfigKey& other : declared(keys)) {
      if (&other == &key) break;
      if (other.name != nullptr && std::string_view(other.name) == key.name) return fmt::format("declares config key '{}' twice", key.name);
    }
    if (key.default_value == nullptr) continue;
    if (key.required) return fmt::format("config key '{}' is required and has a default: give one or the other", key.name);
    if (!is_scalar_type(key.type)) return fmt::format("config key '{}' is a {} and has a default: only scalars take one", key.name, type_name(key.type));
    try {
      config::check_value(sdk::Config::scalar(fmt::format("config key '{}': default", key.name), key.default_value), config::of_type(key.type));
    } catch (const sdk::ConfigError& error) {
      return error.what();
    }
  }
  return std::nullopt;
}

sdk::Config apply_config_keys(const RegisteredClass& registered, const sdk::Config& config) {
  const sdk::ConfigKeys& keys = registered.info->config_keys;
  if (keys.any) return config;
  return config::apply_keys(config, declared_keys(keys), config::KeyOwner{registered.info->name});
}

}  // namespace popyka::plugin_loading
