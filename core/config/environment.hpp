#pragma once
#include <functional>
#include <optional>
#include <string>

namespace popyka::config {

// Reads an environment variable; std::nullopt when unset. Tests pass their own.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;

// The process's real environment.
Environment process_environment();

// The variable's value, or std::nullopt when it is unset or empty: popyka's own settings
// (POPYKA_CONFIG, POPYKA_DEBUG, ...) treat `VAR=` like an unset variable, as `${VAR:-...}` does.
std::optional<std::string> non_empty_variable(const Environment& env, const std::string& name);

}  // namespace popyka::config
