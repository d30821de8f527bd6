#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/runtime_settings.hpp"
#include "pipeline/pipeline.hpp"
#include "plugin_loading/plugin_registry.hpp"
#include "file_text.hpp"
#include "temp_dir.hpp"

namespace popyka::test {

// The built-in plugins plus popyka-test-components.so, and pipelines built from YAML text in
// which ${OUT} is a file in a fresh temporary directory.
class PipelineFixture {
 public:
  PipelineFixture();
  std::unique_ptr<pipeline::Pipeline> make(const std::string& processors_yaml, const std::string& filters_yaml = "[]");
  std::vector<std::string> output() const { return read_lines(out); }
  // What the pipelines' watchdogs reported (instead of ending the test process).
  std::vector<std::string> overruns() const;

  TempDir dir;
  std::string out;
  config::RuntimeSettings settings;
  std::string database_options;  // more `database:` keys, e.g. "unchanged_toast: from_identity"
  plugin_loading::PluginRegistry registry;

 private:
  mutable std::mutex overruns_mutex_;
  std::vector<std::string> overruns_;
};

// A wal2json v2 row change of `table` at `lsn`.
std::string insert_into(const std::string& table, int id);

}  // namespace popyka::test
