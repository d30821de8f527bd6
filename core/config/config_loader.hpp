#pragma once
#include <string>
#include <string_view>

#include "config/environment.hpp"
#include "config/pipeline_config.hpp"
#include "popyka/sdk/errors.hpp"

namespace popyka::config {

// A configuration problem, one line: `<file>: <yaml path>: <what>`, or `<VARIABLE>: <what>`.
class ConfigFileError : public sdk::ConfigError {
 public:
  using sdk::ConfigError::ConfigError;
};

// The config the original popyka uses when POPYKA_CONFIG is unset.
extern const std::string_view kDefaultConfigYaml;

// Reads POPYKA_CONFIG (a file; missing or a directory is an error) or the built-in default,
// interpolates every string like bash (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`)
// and validates it. Throws ConfigFileError.
PipelineConfig load_pipeline_config(const Environment& env);

// The same for YAML text; `source` names it in errors.
PipelineConfig parse_pipeline_config(std::string_view yaml, const std::string& source, const Environment& env);

}  // namespace popyka::config
