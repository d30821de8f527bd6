#include "config/config_loader.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "config/pipeline_schema.hpp"
#include "config/yaml_document.hpp"

namespace popyka::config {
namespace {

constexpr const char* kBuiltInSource = "<built-in default>";

// The text of the file POPYKA_CONFIG names; every failure says what to do about it.
std::string read_config_file(const std::string& path) {
  const std::string problem = "POPYKA_CONFIG: " + path + ": ";
  const std::string advice = " (point POPYKA_CONFIG at a YAML config file, or unset it to use the built-in default)";
  std::error_code ignored;  // a status we cannot get shows up below as a file we cannot read
  const std::filesystem::file_status status = std::filesystem::status(path, ignored);
  if (status.type() == std::filesystem::file_type::not_found) throw ConfigFileError(problem + "no such file" + advice);
  if (std::filesystem::is_directory(status)) throw ConfigFileError(problem + "is a directory, not a file" + advice);

  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in) throw ConfigFileError(problem + "cannot be read (check that it is a readable file)" + advice);
  return text.str();
}

}  // namespace

PipelineConfig parse_pipeline_config(std::string_view yaml, const std::string& source, const Environment& env) {
  return read_pipeline(read_config_document(yaml, source, env), source);
}

PipelineConfig load_pipeline_config(const Environment& env) {
  const std::optional<std::string> path = non_empty_variable(env, "POPYKA_CONFIG");
  // Unset, empty or blank (as the original, which strips it): the built-in default.
  const bool blank = !path || path->find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) return parse_pipeline_config(kDefaultConfigYaml, kBuiltInSource, env);
  return parse_pipeline_config(read_config_file(*path), *path, env);
}

}  // namespace popyka::config
