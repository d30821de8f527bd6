#include "config/runtime_settings.hpp"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <string_view>
#include <optional>

#include "config/config_error.hpp"

namespace popyka::config {
namespace {

// An integer > 0 from `name`, or `fallback` when it is unset or empty.
int positive_integer(const Environment& env, const std::string& name, int fallback) {
  const std::optional<std::string> text = non_empty_variable(env, name);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value <= 0)
    throw ConfigFileError(name + ": must be an integer > 0, found '" + *text + "'");
  return value;
}

// A number of seconds >= 0 from `name`, or `fallback` when it is unset or empty.
double seconds_or_zero(const Environment& env, const std::string& name, double fallback) {
  const std::optional<std::string> text = non_empty_variable(env, name);
  if (!text) return fallback;
  double value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || !std::isfinite(value) || value < 0)
    throw ConfigFileError(name + ": must be a number of seconds >= 0 (0: no bound), found '" + *text + "'");
  return value;
}

// `a:b::c` -> {a, b, c}: empty parts (a leading, trailing or doubled `:`) mean nothing.
std::vector<std::string> split_path_list(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(':', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// One of `choices` from `name`, or `fallback` when it is unset or empty.
std::string one_of(const Environment& env, const std::string& name, std::initializer_list<std::string_view> choices,
                   std::string fallback) {
  const std::optional<std::string> text = non_empty_variable(env, name);
  if (!text) return fallback;
  for (std::string_view choice : choices)
    if (*text == choice) return *text;
  std::string expected;
  for (std::string_view choice : choices) expected += (expected.empty() ? "" : ", ") + std::string(choice);
  throw ConfigFileError(name + ": must be one of " + expected + ", found '" + *text + "'");
}

}  // namespace

RuntimeSettings load_runtime_settings(const Environment& env) {
  RuntimeSettings settings;
  settings.max_processing_attempts =
      positive_integer(env, "POPYKA_MAX_PROCESSING_ATTEMPTS", settings.max_processing_attempts);
  settings.default_retries = positive_integer(env, "POPYKA_DEFAULT_RETRIES", settings.default_retries);
  settings.compact_dump = non_empty_variable(env, "POPYKA_COMPACT_DUMP").has_value();
  settings.debug = non_empty_variable(env, "POPYKA_DEBUG").has_value();
  if (std::optional<std::string> path = non_empty_variable(env, "POPYKA_PLUGIN_PATH"))
    settings.plugin_path = split_path_list(*path);
  settings.log_level = one_of(env, "POPYKA_LOG_LEVEL", {"debug", "info", "warning", "error"}, settings.debug ? "debug" : "info");
  settings.log_json = one_of(env, "POPYKA_LOG_FORMAT", {"text", "json"}, "text") == "json";
  settings.metrics_listen = non_empty_variable(env, "POPYKA_METRICS_LISTEN").value_or("");
  settings.call_timeout_s = seconds_or_zero(env, "POPYKA_CALL_TIMEOUT_S", settings.call_timeout_s);
  settings.standby = one_of(env, "POPYKA_STANDBY", {"0", "1"}, "0") == "1";
  return settings;
}

}  // namespace popyka::config
