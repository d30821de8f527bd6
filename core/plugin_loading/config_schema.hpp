#pragma once
#include <optional>
#include <string>
#include <vector>

#include "config/key_schema.hpp"
#include "plugin_loading/plugin_registry.hpp"

namespace popyka::plugin_loading {

// A class's declared config keys (sdk::ConfigKeys, as Fluent Bit's config_map), applied by the
// host so a plugin reads typed values and never re-validates. Checked, completed and described
// by the same code as popyka-host's own keys (config/key_schema.hpp).

// The class's keys in the host's terms; empty for a class that declares none or any_keys().
std::vector<config::Key> declared_keys(const sdk::ConfigKeys& keys);

// What is wrong with a class's declaration, or nothing: an unknown type, a key without a name, a
// key declared twice, a default on a required, list or map key, a default its type does not
// read. Checked when the plugin loads.
std::optional<std::string> config_keys_problem(const sdk::ConfigKeys& keys);

// `config` checked against the class's keys, with defaults filled in: the Config handed to
// setup(). Throws sdk::ConfigError naming the YAML path: a key the class does not declare, a
// value of the wrong type, a missing required key. A class declaring any_keys() gets `config`
// unchanged; a missing or null key counts as absent.
sdk::Config apply_config_keys(const RegisteredClass& registered, const sdk::Config& config);

}  // namespace popyka::plugin_loading
