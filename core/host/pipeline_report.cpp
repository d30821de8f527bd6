#include "host/pipeline_report.hpp"

#include <fmt/ostream.h>

#include <string>
#include <string_view>

#include "config/host_schema.hpp"
#include "plugin_loading/config_schema.hpp"

namespace popyka::host {
namespace {

void print_component(std::ostream& out, const config::ComponentSpec& spec, sdk::ComponentKind kind,
                     const plugin_loading::PluginRegistry& registry, int indent, std::string_view note = "") {
  const auto& registered = registry.find(kind, spec.class_name, spec.path + ".class");
  fmt::print(out, "{:{}}{}: {} ({}){}\n", "", indent, spec.path, spec.class_name, registered.file.filename().string(), note);
}

std::string time_limit(double seconds) { return seconds > 0 ? fmt::format("{:g} s", seconds) : "none"; }

}  // namespace

void print_pipeline(std::ostream& out, const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry,
                    double call_timeout_s) {
  fmt::print(out, "config: {}\n", config.source);
  fmt::print(out, "database: slot '{}'\n", config.database.slot_name);
  fmt::print(out, "time limit per plugin call: {} (POPYKA_CALL_TIMEOUT_S; a processor's timeout_s wins for it)\n",
             time_limit(call_timeout_s));
  fmt::print(out, "filters:{}\n", config.filters.empty() ? " none" : "");
  for (const auto& filter : config.filters) print_component(out, filter, sdk::ComponentKind::Filter, registry, 2);
  fmt::print(out, "processors:\n");
  for (const auto& processor : config.processors) {
    const std::string own_limit = processor.timeout_s ? ", timeout_s: " + time_limit(*processor.timeout_s) : "";
    print_component(out, processor, sdk::ComponentKind::Processor, registry, 2, own_limit);
    for (const auto& filter : processor.filters) print_component(out, filter, sdk::ComponentKind::Filter, registry, 4);
    for (const auto& handler : processor.error_handlers) print_component(out, handler, sdk::ComponentKind::ErrorHandler, registry, 4);
  }
}

void describe_class(std::ostream& out, const plugin_loading::PluginRegistry& registry, std::string_view class_name) {
  const auto found = registry.classes().find(class_name);
  if (found == registry.classes().end()) {
    std::string known;
    for (const auto& [name, registered] : registry.classes()) known += (known.empty() ? "" : ", ") + name;
    throw sdk::ConfigError(fmt::format(
        "--describe {}: neither a section of popyka-host's config ({}) nor a class a plugin provides (known: {}; add its "
        "plugin's directory to POPYKA_PLUGIN_PATH)",
        class_name, config::host_section_names(), known));
  }
  const plugin_loading::RegisteredClass& registered = found->second;
  const sdk::ConfigKeys& keys = registered.info->config_keys;
  fmt::print(out, "{} {} ({}, SDK {})\n", plugin_loading::kind_name(registered.info->kind), class_name, registered.file.string(),
             registered.sdk_version);
  if (keys.any) {
    fmt::print(out, "config: any keys (the class checks its config itself)\n");
    return;
  }
  if (keys.count == 0) {
    fmt::print(out, "config: none (the class takes no keys)\n");
    return;
  }
  fmt::print(out, "config:\n");
  config::describe_keys(out, plugin_loading::declared_keys(keys));
}

void print_plugins(std::ostream& out, const plugin_loading::PluginRegistry& registry) {
  for (const auto& [name, registered] : registry.classes())
    fmt::print(out, "{:<14} {:<55} {}\n", plugin_loading::kind_name(registered.info->kind), name, registered.file.string());
}

}  // namespace popyka::host
