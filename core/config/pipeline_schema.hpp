#pragma once
#include <string>

#include "config/pipeline_config.hpp"
#include "popyka/sdk/config.hpp"

namespace popyka::config {

// Checks an interpolated config tree against the layout of the original popyka's config file
// (database, filters, processors; unknown keys refused) and reads it. Throws ConfigFileError
// `<source>: <yaml path>: <what>`.
PipelineConfig read_pipeline(const sdk::Config& root, const std::string& source);

}  // namespace popyka::config
