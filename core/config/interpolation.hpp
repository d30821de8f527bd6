#pragma once
#include <string>
#include <string_view>

#include "config/environment.hpp"

namespace popyka::config {

// Expands `$VAR`, `${VAR}`, `${VAR:-default}` (default when unset or empty) and
// `${VAR-default}` (default when unset) in `text`. An unset variable without a default throws
// ConfigFileError `<where>: environment variable VAR is not set (set it or write ${VAR:-default})`.
std::string interpolate(std::string_view text, const Environment& env, const std::string& where);

}  // namespace popyka::config
