// popyka-host: change data capture for PostgreSQL, tailored with plugins.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "config/config_loader.hpp"
#include "config/host_schema.hpp"
#include "config/runtime_settings.hpp"
#include "config/secrets.hpp"
#include "host/pipeline_report.hpp"
#include "metrics/metrics_server.hpp"
#include "metrics/progress_log.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/pipeline_abort.hpp"
#include "pipeline/terminate_report.hpp"
#include "plugin_loading/plugin_registry.hpp"
#include "popyka/sdk/version.hpp"
#include "runtime/logging.hpp"
#include "runtime/redaction.hpp"
#include "runtime/stop_signal.hpp"
#include "source/replay_source.hpp"
#include "source/replication/replication_stream.hpp"

namespace {

using namespace popyka;

struct Options {
  bool check_only = false;  // --check-config
  bool list_plugins = false;
  std::optional<std::string> describe;  // --describe [CLASS or SECTION]
  bool drop_slot = false;
  std::string replay_file;
};

plugin_loading::PluginRegistry load_plugins(const config::RuntimeSettings& settings) {
  std::vector<std::filesystem::path> search_path{plugin_loading::builtin_plugin_dir()};
  search_path.insert(search_path.end(), settings.plugin_path.begin(), settings.plugin_path.end());
  plugin_loading::PluginRegistry registry;
  registry.load(search_path);
  return registry;
}

std::size_t replay_from(const std::string& file, pipeline::Pipeline& pipeline) {
  if (file == "-") return source::replay(std::cin, pipeline);
  std::ifstream input(file);
  if (!input) throw std::runtime_error("--replay " + file + ": cannot open the file");
  return source::replay(input, pipeline);
}

int run(const Options& options) {
  const config::Environment env = config::process_environment();
  const config::RuntimeSettings settings = config::load_runtime_settings(env);
  runtime::configure_logging(settings.log_level, settings.log_json);
  const plugin_loading::PluginRegistry registry = load_plugins(settings);
  if (options.list_plugins) {
    host::print_plugins(std::cout, registry);
    return 0;
  }
  if (options.describe) {
    // A section of popyka-host's own config (none: every one), else a plugin class.
    if (config::is_host_section(*options.describe)) config::describe_host_keys(std::cout, *options.describe);
    else host::describe_class(std::cout, registry, *options.describe);
    return 0;
  }
  const config::PipelineConfig config = config::load_pipeline_config(env);
  // From here on no log line or error shows the DSN's password or a secret producer_config value.
  runtime::hide_secrets(config::secrets_of(config));
  if (options.drop_slot) {
    source::drop_slot(config.database);
    spdlog::info("dropped replication slot '{}'", config.database.slot_name);
    return 0;
  }
  pipeline::Pipeline pipeline(config, registry, settings, metrics::registry(), options.check_only);
  if (options.check_only) {
    host::print_pipeline(std::cout, config, registry, settings.call_timeout_s);
    return 0;
  }
  runtime::install_stop_handlers();
  if (!options.replay_file.empty()) {
    const std::size_t count = replay_from(options.replay_file, pipeline);
    spdlog::info("replayed {} messages", count);
    return 0;
  }
  std::stringstream resolved;
  host::print_pipeline(resolved, config, registry, settings.call_timeout_s);
  for (std::string line; std::getline(resolved, line);) spdlog::info("pipeline: {}", line);

  // POPYKA_METRICS_LISTEN wins over the config's metrics.listen.
  const std::string& listen = settings.metrics_listen.empty() ? config.metrics_listen : settings.metrics_listen;
  // Asked on each scrape and by the progress log, which warns when the slot's WAL is about to go.
  metrics::SlotProbe slot_probe(config.database.connect_url, config.database.slot_name);
  std::optional<metrics::MetricsServer> metrics_server;
  if (!listen.empty()) {
    metrics_server.emplace(listen, &slot_probe);
    spdlog::info("metrics on http://{}/metrics, health on /healthz", listen);
  }
  const metrics::ProgressLog progress(std::chrono::seconds(10), &slot_probe);
  config::DatabaseSpec database = config.database;
  database.standby = database.standby || settings.standby;  // POPYKA_STANDBY=1
  spdlog::info("popyka-host {} starting on slot '{}'{}", POPYKA_VERSION_STRING, database.slot_name,
               database.standby ? " as a standby" : "");
  source::stream_changes(database, pipeline, metrics::registry());
  spdlog::info("stopped: {}", runtime::stop_reason());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"popyka-host: change data capture for PostgreSQL (wal2json v2), tailored with plugins.\n"
               "Config: POPYKA_CONFIG (YAML) or the built-in default; plugins: POPYKA_PLUGIN_PATH."};
  Options options;
  app.add_flag("--check-config", options.check_only, "Load the config and plugins, print the pipeline, exit without connecting");
  app.add_flag("--list-plugins", options.list_plugins, "List every class the plugins provide: kind, name, file");
  std::string describe;
  CLI::Option* describe_option = app.add_option("--describe", describe,
                 "Print the config keys (type, required or default, help) of a plugin class, or of popyka-host's own "
                 "config (no value: all of it; database, metrics, filters, processors: one section) and exit")
      ->expected(0, 1)
      ->type_name("[CLASS]");
  app.add_option("--replay", options.replay_file, "Run wal2json v2 JSON lines from FILE (- for stdin) through the pipeline, no database")
      ->type_name("FILE");
  app.add_flag("--drop-slot", options.drop_slot, "Drop the configured replication slot and exit");
  app.set_version_flag("--version", std::string("popyka-host ") + POPYKA_VERSION_STRING + " (SDK ABI " +
                                        std::to_string(popyka::sdk::kAbiVersion) + ")");
  CLI11_PARSE(app, argc, argv);
  if (describe_option->count() > 0) options.describe = describe;
  popyka::pipeline::install_terminate_report();
  int exit_code = 0;
  try {
    exit_code = run(options);
  } catch (const popyka::pipeline::PipelineAbort& abort) {
    popyka::pipeline::report_abort(abort.what());
    exit_code = popyka::pipeline::kAbortExitCode;
  } catch (const std::exception& error) {
    popyka::runtime::report_fatal(std::string("error: ") + error.what());
    exit_code = 1;
  }
  popyka::runtime::flush_logs();
  return exit_code;
}
