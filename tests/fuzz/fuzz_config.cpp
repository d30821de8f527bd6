// parse_pipeline_config over arbitrary text, with a fake environment: YAML parsing, bash-style
// interpolation of every string, the schema checks. It either gives a config or throws
// sdk::ConfigError (ConfigFileError) naming what is wrong; any other exception is a finding.
// The first line of the input is also interpolated on its own, to reach the expander directly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/config_loader.hpp"
#include "config/interpolation.hpp"

namespace {

popyka::config::Environment fake_environment() {
  static const std::map<std::string, std::string> variables = {
      {"POPYKA_DB_DSN", "postgresql://u:secret@127.0.0.1/db"},
      {"POPYKA_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"},
      {"EMPTY", ""},
      {"DOLLAR", "$HOME ${EMPTY}"},  // values are not expanded again
      {"A", "a"},
  };
  return [](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

// Reads every scalar the way plugins do, so accessor bugs show up.
void touch(const popyka::sdk::Config& node, int depth = 0) {
  if (depth > 64) return;
  if (node.is_scalar()) {
    try { (void)node.as_int64(); } catch (const popyka::sdk::ConfigError&) {}
    try { (void)node.as_double(); } catch (const popyka::sdk::ConfigError&) {}
    try { (void)node.as_bool(); } catch (const popyka::sdk::ConfigError&) {}
    try { (void)node.as_nonblank_string(); } catch (const popyka::sdk::ConfigError&) {}
  } else if (node.is_list()) {
    for (const auto& item : node.items()) touch(item, depth + 1);
  } else if (node.is_map()) {
    for (const auto& [key, value] : node.entries()) touch(value, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const popyka::config::Environment env = fake_environment();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)popyka::config::interpolate(text.substr(0, text.find('\n')), env, "fuzz");
  } catch (const popyka::sdk::ConfigError&) {
  }
  try {
    const popyka::config::PipelineConfig config = popyka::config::parse_pipeline_config(text, "fuzz.yaml", env);
    for (const auto& filter : config.filters) touch(filter.config);
    for (const auto& processor : config.processors) {
      touch(processor.config);
      for (const auto& filter : processor.filters) touch(filter.config);
      for (const auto& handler : processor.error_handlers) touch(handler.config);
    }
  } catch (const popyka::sdk::ConfigError& error) {
    if (std::string_view(error.what()).find("fuzz.yaml") != 0) std::abort();  // every error names its source
  }
  return 0;
}
