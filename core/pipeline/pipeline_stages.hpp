#pragma once
#include <memory>
#include <string>
#include <vector>

#include "config/pipeline_config.hpp"
#include "pipeline/component_host.hpp"
#include "plugin_loading/component_ptr.hpp"

namespace popyka::pipeline {

// One configured component, ready to run. The host is declared first so it outlives the
// component, which may log from its destructor.
template <class T>
struct Stage {
  std::string class_name;
  std::string path;  // `processors[1]`, for messages
  std::unique_ptr<ComponentHost> host;
  // What setup() got: `config:` checked, defaults filled in. Outlives the component, which may
  // keep references into it.
  std::unique_ptr<const sdk::Config> config;
  plugin_loading::ComponentPtr<T> component;
};

using FilterStage = Stage<sdk::Filter>;
using ErrorHandlerStage = Stage<sdk::ErrorHandler>;

struct ProcessorStage : Stage<sdk::Processor> {
  std::vector<FilterStage> filters;
  std::vector<ErrorHandlerStage> error_handlers;
};

struct PipelineStages {
  std::vector<FilterStage> filters;
  std::vector<ProcessorStage> processors;
};

// Creates every component of `config` from the registry, checks its config keys and calls its
// setup() (telling it whether this is only `--check-config`). `deliveries_for(i)` gives the host
// callbacks of processor i. Throws sdk::ConfigError (naming the YAML path and the class) for an
// unknown class, a bad key or a failed setup().
PipelineStages build_stages(const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry, bool check_only,
                            const std::function<ComponentHost::Deliveries(std::size_t)>& deliveries_for);

}  // namespace popyka::pipeline
