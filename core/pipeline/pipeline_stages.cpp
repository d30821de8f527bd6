#include "pipeline/pipeline_stages.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "plugin_loading/config_schema.hpp"

namespace popyka::pipeline {
namespace {

ComponentHost::Deliveries no_deliveries(const std::string& class_name) {
  // Only a processor inside process() may defer; anything else is a plugin bug, said loudly.
  return {[class_name] {
            spdlog::error("{}: Host::defer() called by a component that is not a processor; ignored", class_name);
            return sdk::Ticket{0};
          },
          [](sdk::Ticket) {}, [](sdk::Ticket, std::string_view, bool) {}};
}

// What every stage is built from.
struct StageContext {
  const plugin_loading::PluginRegistry& registry;
  bool check_only;
};

template <class T>
Stage<T> build_stage(sdk::ComponentKind kind, const config::ComponentSpec& spec, const StageContext& context,
                     ComponentHost::Deliveries deliveries) {
  const plugin_loading::RegisteredClass& registered = context.registry.find(kind, spec.class_name, spec.path + ".class");
  Stage<T> stage{spec.class_name, spec.path, std::make_unique<ComponentHost>(spec.class_name, std::move(deliveries), context.check_only),
                 std::make_unique<const sdk::Config>(plugin_loading::apply_config_keys(registered, spec.config)), nullptr};
  try {
    stage.component = plugin_loading::create_component<T>(registered);
    stage.component->setup(*stage.config, *stage.host);
  } catch (const sdk::ConfigError& error) {
    throw sdk::ConfigError(fmt::format("{} ({}): {}", spec.path, spec.class_name, error.what()));
  } catch (const std::exception& error) {
    throw sdk::ConfigError(fmt::format("{} ({}): setup failed: {}", spec.path, spec.class_name, error.what()));
  } catch (...) {
    throw sdk::ConfigError(fmt::format("{} ({}): setup failed with an exception that is not a std::exception", spec.path, spec.class_name));
  }
  return stage;
}

std::vector<FilterStage> build_filters(const std::vector<config::ComponentSpec>& specs, const StageContext& context) {
  std::vector<FilterStage> filters;
  for (const auto& spec : specs)
    filters.push_back(build_stage<sdk::Filter>(sdk::ComponentKind::Filter, spec, context, no_deliveries(spec.class_name)));
  return filters;
}

// Every class found and every config key checked before any component is created: a typo in
// the last processor is reported at once, before the others' setup() has connected anywhere (and
// in a config of thousands of components, without setting them all up first).
void check_all_components(const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry) {
  const auto check = [&](sdk::ComponentKind kind, const config::ComponentSpec& spec) {
    plugin_loading::apply_config_keys(registry.find(kind, spec.class_name, spec.path + ".class"), spec.config);
  };
  const auto check_filters = [&](const std::vector<config::ComponentSpec>& specs) {
    for (const auto& spec : specs) check(sdk::ComponentKind::Filter, spec);
  };
  check_filters(config.filters);
  for (const config::ProcessorSpec& processor : config.processors) {
    check(sdk::ComponentKind::Processor, processor);
    check_filters(processor.filters);
    for (const auto& handler : processor.error_handlers) check(sdk::ComponentKind::ErrorHandler, handler);
  }
}

PipelineStages build_all_stages(const config::PipelineConfig& config, const StageContext& context,
                                const std::function<ComponentHost::Deliveries(std::size_t)>& deliveries_for) {
  check_all_components(config, context.registry);
  PipelineStages stages;
  stages.filters = build_filters(config.filters, context);
  for (std::size_t i = 0; i < config.processors.size(); ++i) {
    const config::ProcessorSpec& spec = config.processors[i];
    ProcessorStage processor{build_stage<sdk::Processor>(sdk::ComponentKind::Processor, spec, context, deliveries_for(i)), {}, {}};
    processor.filters = build_filters(spec.filters, context);
    for (const auto& handler : spec.error_handlers)
      processor.error_handlers.push_back(
          build_stage<sdk::ErrorHandler>(sdk::ComponentKind::ErrorHandler, handler, context, no_deliveries(handler.class_name)));
    stages.processors.push_back(std::move(processor));
  }
  return stages;
}

}  // namespace

PipelineStages build_stages(const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry, bool check_only,
                            const std::function<ComponentHost::Deliveries(std::size_t)>& deliveries_for) {
  try {
    return build_all_stages(config, StageContext{registry, check_only}, deliveries_for);
  } catch (const sdk::ConfigError& error) {
    throw sdk::ConfigError(config.source + ": " + error.what());  // name the file, as the YAML checks do
  }
}

}  // namespace popyka::pipeline
