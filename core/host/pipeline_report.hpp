#pragma once
#include <ostream>

#include "config/pipeline_config.hpp"
#include "plugin_loading/plugin_registry.hpp"

namespace popyka::host {

// `--check-config`: the resolved pipeline, each component with the plugin file it comes from,
// and the time limit on calls (`call_timeout_s`: POPYKA_CALL_TIMEOUT_S; a processor's own
// timeout_s shown where it has one).
void print_pipeline(std::ostream& out, const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry,
                    double call_timeout_s);

// `--list-plugins`: every class found, with its kind, name and file.
void print_plugins(std::ostream& out, const plugin_loading::PluginRegistry& registry);

// `--describe CLASS`: the class's kind and file, and its config keys (type, required or default,
// help), as `fluent-bit -i tail -h`. Throws sdk::ConfigError for a class no plugin provides.
void describe_class(std::ostream& out, const plugin_loading::PluginRegistry& registry, std::string_view class_name);

}  // namespace popyka::host
