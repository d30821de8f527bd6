#pragma once
#include <string>
#include <vector>

#include "config/environment.hpp"

namespace popyka::config {

// What the environment variables (not the YAML) decide.
struct RuntimeSettings {
  int max_processing_attempts = 50;  // POPYKA_MAX_PROCESSING_ATTEMPTS, > 0
  int default_retries = 5;           // POPYKA_DEFAULT_RETRIES, > 0
  bool compact_dump = false;         // POPYKA_COMPACT_DUMP set (non-empty)
  bool debug = false;                // POPYKA_DEBUG set (non-empty)
  std::vector<std::string> plugin_path;  // POPYKA_PLUGIN_PATH split on ':', empty parts dropped
  std::string log_level = "info";        // POPYKA_LOG_LEVEL: debug, info, warning, error (POPYKA_DEBUG: debug)
  bool log_json = false;                 // POPYKA_LOG_FORMAT=json: one JSON object per line, for log shippers
  std::string metrics_listen;            // POPYKA_METRICS_LISTEN (`host:port`), wins over the config's metrics.listen
  // POPYKA_CALL_TIMEOUT_S: the longest one call into a plugin may take before popyka-host stops
  // (a processor's `timeout_s` overrides it for that processor); 0: no bound.
  double call_timeout_s = 60;
  // POPYKA_STANDBY=1: as `database.standby: true` (wait for the slot without bound, then take it).
  bool standby = false;
};

// Throws ConfigFileError naming the variable, e.g.
// `POPYKA_DEFAULT_RETRIES: must be an integer > 0, found 'x'`.
RuntimeSettings load_runtime_settings(const Environment& env);

}  // namespace popyka::config
