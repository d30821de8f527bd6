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

// A component's class found and its `config:` checked (defaults filled in), not yet created.
struct CheckedComponent {
  const config::ComponentSpec* spec;
  const plugin_loading::RegisteredClass* registered;
  std::unique_ptr<const sdk::Config> config;
};

struct CheckedProcessor {
  CheckedComponent processor;
  std::vector<CheckedComponent> filters;
  std::vector<CheckedComponent> error_handlers;
};

struct CheckedPipeline {
  std::vector<CheckedComponent> filters;
  std::vector<CheckedProcessor> processors;
};

CheckedComponent check(const plugin_loading::PluginRegistry& registry, sdk::ComponentKind kind,
                       const config::ComponentSpec& spec) {
  const plugin_loading::RegisteredClass& registered = registry.find(kind, spec.class_name, spec.path + ".class");
  return {&spec, &registered, std::make_unique<const sdk::Config>(plugin_loading::apply_config_keys(registered, spec.config))};
}

std::vector<CheckedComponent> check_each(const plugin_loading::PluginRegistry& registry, sdk::ComponentKind kind,
                                         const std::vector<config::ComponentSpec>& specs) {
  std::vector<CheckedComponent> checked;
  for (const auto& spec : specs) checked.push_back(check(registry, kind, spec));
  return checked;
}

// Every class found and every config key checked before any component is created: a typo in
// the last processor is reported at once, before the others' setup() has connected anywhere (and
// in a config of thousands of components, without setting them all up first).
CheckedPipeline check_all_components(const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry) {
  CheckedPipeline checked{check_each(registry, sdk::ComponentKind::Filter, config.filters), {}};
  for (const config::ProcessorSpec& processor : config.processors) {
    checked.processors.push_back({check(registry, sdk::ComponentKind::Processor, processor),
                                  check_each(registry, sdk::ComponentKind::Filter, processor.filters),
                                  check_each(registry, sdk::ComponentKind::ErrorHandler, processor.error_handlers)});
  }
  return checked;
}

template <class T>
Stage<T> build_stage(CheckedComponent checked, bool check_only, ComponentHost::Deliveries deliveries) {
  const config::ComponentSpec& spec = *checked.spec;
  Stage<T> stage{spec.class_name, spec.path, std::make_unique<ComponentHost>(spec.class_name, std::move(deliveries), check_only),
                 std::move(checked.config), nullptr};
  try {
    stage.component = plugin_loading::create_component<T>(*checked.registered);
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

// Stages that may not defer deliveries: filters and error handlers.
template <class T>
std::vector<Stage<T>> build_each(std::vector<CheckedComponent> checked, bool check_only) {
  std::vector<Stage<T>> stages;
  for (CheckedComponent& component : checked) {
    const std::string& class_name = component.spec->class_name;
    stages.push_back(build_stage<T>(std::move(component), check_only, no_deliveries(class_name)));
  }
  return stages;
}

PipelineStages build_all_stages(const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry,
                                bool check_only, const std::function<ComponentHost::Deliveries(std::size_t)>& deliveries_for) {
  CheckedPipeline checked = check_all_components(config, registry);
  PipelineStages stages;
  stages.filters = build_each<sdk::Filter>(std::move(checked.filters), check_only);
  for (std::size_t i = 0; i < checked.processors.size(); ++i) {
    CheckedProcessor& spec = checked.processors[i];
    ProcessorStage processor{build_stage<sdk::Processor>(std::move(spec.processor), check_only, deliveries_for(i)), {}, {}};
    processor.filters = build_each<sdk::Filter>(std::move(spec.filters), check_only);
    processor.error_handlers = build_each<sdk::ErrorHandler>(std::move(spec.error_handlers), check_only);
    stages.processors.push_back(std::move(processor));
  }
  return stages;
}

}  // namespace

PipelineStages build_stages(const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry, bool check_only,
                            const std::function<ComponentHost::Deliveries(std::size_t)>& deliveries_for) {
  try {
    return build_all_stages(config, registry, check_only, deliveries_for);
  } catch (const sdk::ConfigError& error) {
    throw sdk::ConfigError(config.source + ": " + error.what());  // name the file, as the YAML checks do
  }
}

}  // namespace popyka::pipeline
