#pragma once
#include <string>
#include <string_view>

#include "config/config_error.hpp"
#include "config/environment.hpp"
#include "config/pipeline_config.hpp"

namespace popyka::config {

// The config the original popyka uses when POPYKA_CONFIG is unset.
extern const std::string_view kDefaultConfigYaml;

// Reads POPYKA_CONFIG (a file; missing or a directory is an error) or the built-in default,
// interpolates every string like bash (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`)
// and validates it. Throws ConfigFileError.
PipelineConfig load_pipeline_config(const Environment& env);

// The same for YAML text; `source` names it in errors.
PipelineConfig parse_pipeline_config(std::string_view yaml, const std::string& source, const Environment& env);

}  // namespace popyka::config
