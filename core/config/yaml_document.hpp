#pragma once
#include <string>
#include <string_view>

#include "config/environment.hpp"
#include "popyka/sdk/config.hpp"

namespace popyka::config {

// Parses YAML text into a Config tree: every node carries its YAML path
// (`processors[1].config.topic`; the root's is empty) and every scalar is interpolated.
// Mapping keys are kept as written. Throws ConfigFileError starting with `<source>: `:
// a syntax error names the line and column, a duplicate key or an unset variable the path.
sdk::Config read_config_document(std::string_view yaml, const std::string& source, const Environment& env);

}  // namespace popyka::config
