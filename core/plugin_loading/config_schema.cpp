#include "plugin_loading/config_schema.hpp"

#include <algorithm>
#include <span>

#include <fmt/format.h>

namespace popyka::plugin_loading {
namespace {

std::span<const sdk::ConfigKey> declared(const sdk::ConfigKeys& keys) { return {keys.keys, keys.count}; }

bool is_scalar_type(sdk::ConfigType type) {
  return type == sdk::ConfigType::String || type == sdk::ConfigType::Int || type == sdk::ConfigType::Double ||
         type == sdk::ConfigType::Bool;
}

// Throws sdk::ConfigError `<path>: expected ...` when `value` is not of `type`.
void check_type(const sdk::Config& value, sdk::ConfigType type) {
  switch (type) {
    case sdk::ConfigType::String: value.as_string(); return;
    case sdk::ConfigType::Int: value.as_int64(); return;
    case sdk::ConfigType::Double: value.as_double(); return;
    case sdk::ConfigType::Bool: value.as_bool(); return;
    case sdk::ConfigType::List: value.items(); return;
    case sdk::ConfigType::Map:
      if (!value.is_map()) value.fail("expected a mapping");
      return;
  }
}

const sdk::ConfigKey* find_key(const sdk::ConfigKeys& keys, std::string_view name) {
  for (const sdk::ConfigKey& key : declared(keys))
    if (name == key.name) return &key;
  return nullptr;
}

[[noreturn]] void unknown_key(const RegisteredClass& registered, const sdk::Config& config, const std::string& key) {
  const sdk::ConfigKeys& keys = registered.info->config_keys;
  if (keys.count == 0)
    throw sdk::ConfigError(fmt::format("{}: {} takes no config (remove the key)", config.child_path(key), registered.info->name));
  std::string names;
  for (const sdk::ConfigKey& k : declared(keys)) names += (names.empty() ? "" : ", ") + std::string(k.name);
  throw sdk::ConfigError(
      fmt::format("{}: unknown key for {} (expected one of: {})", config.child_path(key), registered.info->name, names));
}

}  // namespace

std::string_view type_name(sdk::ConfigType type) {
  switch (type) {
    case sdk::ConfigType::String: return "string";
    case sdk::ConfigType::Int: return "int";
    case sdk::ConfigType::Double: return "double";
    case sdk::ConfigType::Bool: return "bool";
    case sdk::ConfigType::List: return "list";
    case sdk::ConfigType::Map: return "map";
  }
  return {};
}

std::optional<std::string> config_keys_problem(const sdk::ConfigKeys& keys) {
  if (keys.count > 0 && keys.keys == nullptr) return fmt::format("declares {} config keys but gives none", keys.count);
  for (const sdk::ConfigKey& key : declared(keys)) {
    if (key.name == nullptr || *key.name == '\0') return std::string("declares a config key without a name");
    if (type_name(key.type).empty())
      return fmt::format("config key '{}' has type {}, unknown to this host (built for a newer SDK?)", key.name,
                         static_cast<std::uint32_t>(key.type));
    if (find_key(keys, key.name) != &key) return fmt::format("declares config key '{}' twice", key.name);
    if (key.default_value == nullptr) continue;
    if (key.required) return fmt::format("config key '{}' is required and has a default: give one or the other", key.name);
    if (!is_scalar_type(key.type)) return fmt::format("config key '{}' is a {} and has a default: only scalars take one", key.name, type_name(key.type));
    try {
      check_type(sdk::Config::scalar(fmt::format("config key '{}': default", key.name), key.default_value), key.type);
    } catch (const sdk::ConfigError& error) {
      return error.what();
    }
  }
  return std::nullopt;
}

sdk::Config apply_config_keys(const RegisteredClass& registered, const sdk::Config& config) {
  const sdk::ConfigKeys& keys = registered.info->config_keys;
  if (keys.any) return config;
  std::vector<sdk::Config::Entry> entries;
  for (const auto& [name, value] : config.entries()) {
    const sdk::ConfigKey* key = find_key(keys, name);
    if (key == nullptr) unknown_key(registered, config, name);
    if (value.is_null()) continue;  // as if absent: a default or "required" below
    check_type(value, key->type);
    entries.emplace_back(name, value);
  }
  for (const sdk::ConfigKey& key : declared(keys)) {
    if (std::any_of(entries.begin(), entries.end(), [&](const sdk::Config::Entry& e) { return e.first == key.name; })) continue;
    if (key.required)
      throw sdk::ConfigError(fmt::format("{}: required key is missing ({}: {})", config.child_path(key.name), registered.info->name,
                                         key.help != nullptr ? key.help : "no help given"));
    if (key.default_value != nullptr) entries.emplace_back(key.name, sdk::Config::scalar(config.child_path(key.name), key.default_value));
  }
  return sdk::Config::map(config.path(), std::move(entries));
}

}  // namespace popyka::plugin_loading
