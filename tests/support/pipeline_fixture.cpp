#include "pipeline_fixture.hpp"

#include <cstdlib>

#include "config/config_loader.hpp"

namespace popyka::test {

PipelineFixture::PipelineFixture() : out(dir.file("out.txt")) {
  registry.load({plugin_loading::builtin_plugin_dir(), std::filesystem::path(POPYKA_TEST_PLUGIN_DIR) / "test_components"});
}

std::unique_ptr<pipeline::Pipeline> PipelineFixture::make(const std::string& processors_yaml, const std::string& filters_yaml) {
  const std::string database = "{connect_url: 'dbname=x', slot_name: s" + (database_options.empty() ? "" : ", " + database_options) + "}";
  const std::string yaml = "database: " + database + "\nfilters: " + filters_yaml + "\nprocessors: " + processors_yaml;
  const std::map<std::string, std::string> variables{{"OUT", out}};
  const config::Environment env = [variables](const std::string& name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
  return std::make_unique<pipeline::Pipeline>(config::parse_pipeline_config(yaml, "test.yaml", env), registry, settings, metrics::registry(), false,
                                              [this](const std::string& description) {
                                                std::lock_guard lock(overruns_mutex_);
                                                overruns_.push_back(description);
                                              });
}

std::vector<std::string> PipelineFixture::overruns() const {
  std::lock_guard lock(overruns_mutex_);
  return overruns_;
}

std::string insert_into(const std::string& table, int id) {
  return R"({"action":"I","schema":"public","table":")" + table + R"(","columns":[{"name":"id","type":"integer","value":)" +
         std::to_string(id) + "}]}";
}

}  // namespace popyka::test
