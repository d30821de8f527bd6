#pragma once
#include "popyka/sdk/errors.hpp"

namespace popyka::config {

// A configuration problem, one line: `<file>: <yaml path>: <what>`, or `<VARIABLE>: <what>`.
class ConfigFileError : public sdk::ConfigError {
 public:
  using sdk::ConfigError::ConfigError;
};

}  // namespace popyka::config
