#include "config/environment.hpp"

#include <cstdlib>

namespace popyka::config {

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    // getenv is fine here: popyka reads its settings once, before any thread starts.
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
  };
}

std::optional<std::string> non_empty_variable(const Environment& env, const std::string& name) {
  std::optional<std::string> value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

}  // namespace popyka::config
