#pragma once
#include <functional>
#include <optional>
#include <string>

namespace popyka::config {

// Reads an environment variable; std::nullopt when unset. Tests pass their own.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;

// The process's real environment.
Environment process_environment();

}  // namespace popyka::config
