#include "host/pipeline_report.hpp"

#include <fmt/ostream.h>

#include <string>
#include <string_view>

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

void print_plugins(std::ostream& out, const plugin_loading::PluginRegistry& registry) {
  for (const auto& [name, registered] : registry.classes())
    fmt::print(out, "{:<14} {:<55} {}\n", plugin_loading::kind_name(registered.info->kind), name, registered.file.string());
}

}  // namespace popyka::host
