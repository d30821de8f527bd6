#include "config/runtime_settings.hpp"

#include <catch2/catch.hpp>

#include "config/config_error.hpp"
#include "fake_environment.hpp"

using popyka::config::ConfigFileError;
using popyka::config::load_runtime_settings;
using popyka::config::RuntimeSettings;
using popyka::test::fake_environment;

TEST_CASE("runtime settings default to the original's values", "[runtime_settings]") {
  const RuntimeSettings settings = load_runtime_settings(fake_environment({}));
  CHECK(settings.max_processing_attempts == 50);
  CHECK(settings.default_retries == 5);
  CHECK_FALSE(settings.compact_dump);
  CHECK_FALSE(settings.debug);
  CHECK(settings.plugin_path.empty());
}

TEST_CASE("runtime settings read every variable", "[runtime_settings]") {
  const RuntimeSettings settings = load_runtime_settings(fake_environment({
      {"POPYKA_MAX_PROCESSING_ATTEMPTS", "7"},
      {"POPYKA_DEFAULT_RETRIES", "1"},
      {"POPYKA_COMPACT_DUMP", "1"},
      {"POPYKA_DEBUG", "yes"},
      {"POPYKA_PLUGIN_PATH", "/opt/a:/opt/b/plugin.so"},
  }));
  CHECK(settings.max_processing_attempts == 7);
  CHECK(settings.default_retries == 1);
  CHECK(settings.compact_dump);
  CHECK(settings.debug);
  CHECK(settings.plugin_path == std::vector<std::string>{"/opt/a", "/opt/b/plugin.so"});
}

TEST_CASE("runtime settings treat an empty variable as unset", "[runtime_settings]") {
  const RuntimeSettings settings = load_runtime_settings(fake_environment({
      {"POPYKA_MAX_PROCESSING_ATTEMPTS", ""},
      {"POPYKA_DEFAULT_RETRIES", ""},
      {"POPYKA_COMPACT_DUMP", ""},
      {"POPYKA_DEBUG", ""},
      {"POPYKA_PLUGIN_PATH", ""},
  }));
  CHECK(settings.max_processing_attempts == 50);
  CHECK(settings.default_retries == 5);
  CHECK_FALSE(settings.compact_dump);
  CHECK_FALSE(settings.debug);
  CHECK(settings.plugin_path.empty());
}

TEST_CASE("runtime settings switch a flag on for any non-empty value, even 0", "[runtime_settings]") {
  // The original tests the variable for being set, not for its value.
  const RuntimeSettings settings =
      load_runtime_settings(fake_environment({{"POPYKA_COMPACT_DUMP", "0"}, {"POPYKA_DEBUG", "false"}}));
  CHECK(settings.compact_dump);
  CHECK(settings.debug);
}

TEST_CASE("runtime settings drop empty parts of POPYKA_PLUGIN_PATH", "[runtime_settings]") {
  const RuntimeSettings settings = load_runtime_settings(fake_environment({{"POPYKA_PLUGIN_PATH", ":/a::/b:"}}));
  CHECK(settings.plugin_path == std::vector<std::string>{"/a", "/b"});
}

TEST_CASE("runtime settings refuse a count that is not an integer > 0, naming the variable", "[runtime_settings]") {
  for (const std::string name : {"POPYKA_MAX_PROCESSING_ATTEMPTS", "POPYKA_DEFAULT_RETRIES"}) {
    for (const std::string value : {"0", "-1", "x", "5x", " 5", "2.5", "99999999999"}) {
      INFO(name << "=" << value);
      CHECK_THROWS_AS(load_runtime_settings(fake_environment({{name, value}})), ConfigFileError);
      CHECK_THROWS_WITH(load_runtime_settings(fake_environment({{name, value}})),
                        name + ": must be an integer > 0, found '" + value + "'");
    }
  }
}

TEST_CASE("runtime settings read the log level, the log format and the metrics address", "[runtime_settings]") {
  const RuntimeSettings defaults = load_runtime_settings(fake_environment({}));
  CHECK(defaults.log_level == "info");
  CHECK_FALSE(defaults.log_json);
  CHECK(defaults.metrics_listen.empty());
  CHECK(load_runtime_settings(fake_environment({{"POPYKA_DEBUG", "1"}})).log_level == "debug");
  const RuntimeSettings set = load_runtime_settings(fake_environment({
      {"POPYKA_LOG_LEVEL", "warning"}, {"POPYKA_LOG_FORMAT", "json"}, {"POPYKA_METRICS_LISTEN", "127.0.0.1:9187"}}));
  CHECK(set.log_level == "warning");
  CHECK(set.log_json);
  CHECK(set.metrics_listen == "127.0.0.1:9187");
  CHECK_THROWS_WITH(load_runtime_settings(fake_environment({{"POPYKA_LOG_LEVEL", "loud"}})),
                    "POPYKA_LOG_LEVEL: must be one of debug, info, warning, error, found 'loud'");
  CHECK_THROWS_WITH(load_runtime_settings(fake_environment({{"POPYKA_LOG_FORMAT", "xml"}})),
                    "POPYKA_LOG_FORMAT: must be one of text, json, found 'xml'");
}

TEST_CASE("runtime settings read POPYKA_CALL_TIMEOUT_S, 60 s by default, 0 for no bound", "[runtime_settings]") {
  CHECK(load_runtime_settings(fake_environment({})).call_timeout_s == 60);
  CHECK(load_runtime_settings(fake_environment({{"POPYKA_CALL_TIMEOUT_S", "2.5"}})).call_timeout_s == 2.5);
  CHECK(load_runtime_settings(fake_environment({{"POPYKA_CALL_TIMEOUT_S", "0"}})).call_timeout_s == 0);
  for (const std::string value : {"-1", "x", "5s", "inf", "nan"}) {
    INFO(value);
    CHECK_THROWS_WITH(load_runtime_settings(fake_environment({{"POPYKA_CALL_TIMEOUT_S", value}})),
                      "POPYKA_CALL_TIMEOUT_S: must be a number of seconds >= 0 (0: no bound), found '" + value + "'");
  }
}

TEST_CASE("runtime settings read POPYKA_STANDBY: 1 or 0", "[runtime_settings]") {
  CHECK_FALSE(load_runtime_settings(fake_environment({})).standby);
  CHECK(load_runtime_settings(fake_environment({{"POPYKA_STANDBY", "1"}})).standby);
  CHECK_FALSE(load_runtime_settings(fake_environment({{"POPYKA_STANDBY", "0"}})).standby);
  CHECK_THROWS_WITH(load_runtime_settings(fake_environment({{"POPYKA_STANDBY", "yes"}})),
                    "POPYKA_STANDBY: must be one of 0, 1, found 'yes'");
}
