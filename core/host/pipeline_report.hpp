#pragma once
#include <ostream>

#include "config/pipeline_config.hpp"
#include "plugin_loading/plugin_registry.hpp"

namespace popyka::host {

// `--check-config`: the resolved pipeline, each component with the plugin file it comes from.
void print_pipeline(std::ostream& out, const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry);

// `--list-plugins`: every class found, with its kind, name and file.
void print_plugins(std::ostream& out, const plugin_loading::PluginRegistry& registry);

}  // namespace popyka::host
