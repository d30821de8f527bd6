#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "config/environment.hpp"

namespace popyka::test {

// An environment holding exactly `variables`, so tests never depend on the real one.
inline config::Environment fake_environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace popyka::test
