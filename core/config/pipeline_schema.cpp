#include "config/pipeline_schema.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "config/config_error.hpp"
#include "config/slot_name.hpp"

namespace popyka::config {
namespace {

using Keys = std::span<const std::string_view>;

constexpr std::array<std::string_view, 4> kTopLevelKeys = {"database", "filters", "processors", "metrics"};
constexpr std::array<std::string_view, 3> kRequiredTopLevelKeys = {"database", "filters", "processors"};
constexpr std::array<std::string_view, 1> kMetricsKeys = {"listen"};
constexpr std::array<std::string_view, 22> kDatabaseKeys = {
    "connect_url",     "slot_name", "wal2json_options", "status_interval_s",    "reconnect_initial_s",
    "reconnect_max_s", "snapshot",  "snapshot_tables",  "snapshot_parallelism", "heartbeat_interval_s",
    "output_plugin",   "publication", "slot_busy_wait_s", "standby",            "application_name",
    "unchanged_toast", "heartbeat_connect_url", "failover", "streaming",        "spool_directory",
    "spool_memory_mb", "spool_disk_mb"};
// Each reader is a connection of its own: a bound well below any server's max_connections.
constexpr std::int64_t kMaxSnapshotParallelism = 64;
constexpr std::array<std::string_view, 2> kComponentKeys = {"class", "config"};
constexpr std::array<std::string_view, 5> kProcessorKeys = {"class", "config", "filters", "error_handlers", "timeout_s"};

std::string join(Keys keys) { return fmt::format("{}", fmt::join(keys, ", ")); }

// Each check below throws sdk::ConfigError `<yaml path>: <what>`; read_pipeline adds the source.

// `node` must be a mapping whose keys are all among `keys`: a misspelt key fails loudly
// instead of being ignored.
void check_mapping(const sdk::Config& node, Keys keys) {
  if (!node.is_map()) node.fail("expected a mapping with the keys " + join(keys));
  for (const auto& [key, value] : node.entries())
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      value.fail("unknown key (expected one of: " + join(keys) + ")");
}

// An optional key: absent and `key:` with no value both mean "not given".
const sdk::Config* find_given(const sdk::Config& map, std::string_view key) {
  const sdk::Config* value = map.find(key);
  return value && !value->is_null() ? value : nullptr;
}

// Checked here so a typo fails before connecting.
std::string read_slot_name(const sdk::Config& node) {
  const std::string& name = node.as_string();
  if (!is_valid_slot_name(name)) node.fail("must be " + std::string(slot_name_rule) + ", found '" + name + "'");
  return name;
}

// One of two words, each meaning a value of `Enum`; absent: the first.
template <class Enum>
Enum read_choice(const sdk::Config* node, std::pair<std::string_view, Enum> first, std::pair<std::string_view, Enum> second) {
  if (!node) return first.second;
  const std::string& word = node->as_string();
  if (word == first.first) return first.second;
  if (word == second.first) return second.second;
  node->fail(fmt::format("must be {} or {}, found '{}'", first.first, second.first, word));
}

DatabaseSpec::OutputPlugin read_output_plugin(const sdk::Config* node) {
  using enum DatabaseSpec::OutputPlugin;
  return read_choice<DatabaseSpec::OutputPlugin>(node, {"wal2json", wal2json}, {"pgoutput", pgoutput});
}

// A lower-case PostgreSQL identifier that needs no quoting: it goes into CREATE PUBLICATION and
// into pgoutput's publication_names as it is.
std::string read_publication(const sdk::Config& node) {
  const std::string& name = node.as_string();
  const bool valid = !name.empty() && name.size() <= 63 && !(name[0] >= '0' && name[0] <= '9') &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                     });
  if (!valid)
    node.fail("must be 1 to 63 lower-case letters, digits or underscores, not starting with a digit, found '" + name +
              "'");
  return name;
}

void read_seconds(const sdk::Config& database, std::string_view key, double& seconds) {
  const sdk::Config* node = find_given(database, key);
  if (!node) return;
  const double value = node->as_double();
  if (!std::isfinite(value) || value <= 0) node->fail("must be a number of seconds > 0, found '" + node->as_string() + "'");
  seconds = value;
}

DatabaseSpec::Snapshot read_snapshot(const sdk::Config* node) {
  using enum DatabaseSpec::Snapshot;
  return read_choice<DatabaseSpec::Snapshot>(node, {"never", never}, {"initial", initial});
}

DatabaseSpec::UnchangedToast read_unchanged_toast(const sdk::Config* node) {
  using enum DatabaseSpec::UnchangedToast;
  return read_choice<DatabaseSpec::UnchangedToast>(node, {"omit", omit}, {"from_identity", from_identity});
}

// `schema.table` each: split at the first dot, both parts non-empty, no repeats.
std::vector<std::string> read_snapshot_tables(const sdk::Config* list) {
  std::vector<std::string> tables;
  if (!list) return tables;
  if (!list->is_list()) list->fail("expected a list of schema.table names");
  for (const sdk::Config& item : list->items()) {
    const std::string& name = item.as_string();
    const auto dot = name.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == name.size())
      item.fail("expected schema.table (e.g. public.orders), found '" + name + "'");
    if (std::find(tables.begin(), tables.end(), name) != tables.end()) item.fail("'" + name + "' is listed twice");
    tables.push_back(name);
  }
  return tables;
}

std::vector<std::pair<std::string, std::string>> read_wal2json_options(const sdk::Config* options) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!options) return out;
  if (!options->is_map()) options->fail("expected a mapping of wal2json option names to values");
  for (const auto& [name, value] : options->entries()) {
    if (!value.is_scalar()) value.fail("expected a single value (wal2json options are strings, numbers or booleans)");
    out.emplace_back(name, value.as_string());
  }
  return out;
}

// A number of seconds >= 0, where 0 means "off".
double seconds_or_off(const sdk::Config& node) {
  const double value = node.as_double();
  if (!std::isfinite(value) || value < 0) node.fail("must be a number of seconds >= 0 (0: off), found '" + node.as_string() + "'");
  return value;
}

int read_snapshot_parallelism(const sdk::Config* node) {
  if (!node) return default_snapshot_parallelism();
  const std::int64_t value = node->as_int64();
  if (value < 1 || value > kMaxSnapshotParallelism)
    node->fail(fmt::format("must be a whole number from 1 to {} (connections reading the snapshot), found '{}'",
                           kMaxSnapshotParallelism, node->as_string()));
  return static_cast<int>(value);
}

// A whole number of megabytes >= `least`.
std::int64_t read_megabytes(const sdk::Config& node, std::int64_t least) {
  const std::int64_t value = node.as_int64();
  if (value < least) node.fail(fmt::format("must be a whole number of megabytes >= {}, found '{}'", least, node.as_string()));
  return value;
}

// `streaming` and the spool's keys, which only mean something with it (and so with pgoutput).
void read_streaming(const sdk::Config& database, DatabaseSpec& spec) {
  if (const sdk::Config* streaming = find_given(database, "streaming")) {
    spec.streaming = streaming->as_bool();
    if (spec.streaming && spec.output_plugin != DatabaseSpec::OutputPlugin::pgoutput)
      streaming->fail("needs output_plugin: pgoutput (wal2json cannot stream a transaction before its commit)");
  }
  for (std::string_view key : {"spool_directory", "spool_memory_mb", "spool_disk_mb"})
    if (const sdk::Config* node = find_given(database, key); node && !spec.streaming)
      node->fail("only means something with streaming: on");
  if (const sdk::Config* directory = find_given(database, "spool_directory")) spec.spool_directory = directory->as_nonblank_string();
  if (const sdk::Config* memory = find_given(database, "spool_memory_mb")) spec.spool_memory_mb = read_megabytes(*memory, 0);
  if (const sdk::Config* disk = find_given(database, "spool_disk_mb")) spec.spool_disk_mb = read_megabytes(*disk, 1);
}

DatabaseSpec read_database(const sdk::Config& database) {
  check_mapping(database, kDatabaseKeys);
  DatabaseSpec spec;
  // An empty connect_url is valid: libpq then takes everything from PGHOST, PGUSER, ...
  spec.connect_url = database.at("connect_url").as_string();
  spec.slot_name = read_slot_name(database.at("slot_name"));
  spec.wal2json_options = read_wal2json_options(find_given(database, "wal2json_options"));
  read_seconds(database, "status_interval_s", spec.status_interval_s);
  read_seconds(database, "reconnect_initial_s", spec.reconnect_initial_s);
  read_seconds(database, "reconnect_max_s", spec.reconnect_max_s);
  spec.snapshot = read_snapshot(find_given(database, "snapshot"));
  spec.snapshot_tables = read_snapshot_tables(find_given(database, "snapshot_tables"));
  if (!spec.snapshot_tables.empty() && spec.snapshot != DatabaseSpec::Snapshot::initial)
    database.at("snapshot_tables").fail("only means something with snapshot: initial");
  const sdk::Config* parallelism = find_given(database, "snapshot_parallelism");
  if (parallelism && spec.snapshot != DatabaseSpec::Snapshot::initial)
    parallelism->fail("only means something with snapshot: initial");
  spec.snapshot_parallelism = read_snapshot_parallelism(parallelism);
  if (const sdk::Config* heartbeat = find_given(database, "heartbeat_interval_s")) spec.heartbeat_interval_s = seconds_or_off(*heartbeat);
  if (const sdk::Config* url = find_given(database, "heartbeat_connect_url")) {
    if (spec.heartbeat_interval_s <= 0) url->fail("only means something with heartbeat_interval_s > 0");
    spec.heartbeat_connect_url = url->as_nonblank_string();
  }
  spec.output_plugin = read_output_plugin(find_given(database, "output_plugin"));
  if (const sdk::Config* publication = find_given(database, "publication")) {
    if (spec.output_plugin != DatabaseSpec::OutputPlugin::pgoutput)
      publication->fail("only means something with output_plugin: pgoutput");
    spec.publication = read_publication(*publication);
  }
  if (const sdk::Config* wait = find_given(database, "slot_busy_wait_s")) spec.slot_busy_wait_s = seconds_or_off(*wait);
  if (const sdk::Config* standby = find_given(database, "standby")) spec.standby = standby->as_bool();
  if (const sdk::Config* failover = find_given(database, "failover")) spec.failover = failover->as_bool();
  if (const sdk::Config* name = find_given(database, "application_name")) spec.application_name = name->as_nonblank_string();
  spec.unchanged_toast = read_unchanged_toast(find_given(database, "unchanged_toast"));
  read_streaming(database, spec);
  if (spec.output_plugin == DatabaseSpec::OutputPlugin::pgoutput && !spec.wal2json_options.empty())
    database.at("wal2json_options").fail("only means something with output_plugin: wal2json (the default)");
  if (spec.reconnect_max_s < spec.reconnect_initial_s)
    database.fail(fmt::format("reconnect_max_s ({}) must not be less than reconnect_initial_s ({})", spec.reconnect_max_s,
                              spec.reconnect_initial_s));
  return spec;
}

ComponentSpec read_component(const sdk::Config& entry, Keys keys) {
  check_mapping(entry, keys);
  ComponentSpec spec;
  spec.path = entry.path();
  spec.class_name = entry.at("class").as_nonblank_string();
  if (const sdk::Config* config = find_given(entry, "config")) {
    if (!config->is_map()) config->fail("expected a mapping");
    spec.config = *config;
  } else {
    spec.config = sdk::Config::map(entry.child_path("config"), {});
  }
  return spec;
}

std::vector<ComponentSpec> read_components(const sdk::Config* list) {
  std::vector<ComponentSpec> specs;
  if (!list) return specs;
  for (const sdk::Config& entry : list->items()) specs.push_back(read_component(entry, kComponentKeys));
  return specs;
}

ProcessorSpec read_processor(const sdk::Config& entry) {
  ComponentSpec component = read_component(entry, kProcessorKeys);
  ProcessorSpec spec{std::move(component), read_components(find_given(entry, "filters")),
                     read_components(find_given(entry, "error_handlers")), std::nullopt};
  if (const sdk::Config* timeout = find_given(entry, "timeout_s")) spec.timeout_s = seconds_or_off(*timeout);
  return spec;
}

PipelineConfig read_checked(const sdk::Config& root, const std::string& source) {
  if (root.is_null())
    throw ConfigFileError(source + ": the file is empty (expected the keys " + join(kRequiredTopLevelKeys) + ")");
  if (!root.is_map())
    throw ConfigFileError(source + ": expected a mapping with the keys " + join(kRequiredTopLevelKeys) + " at the top level");
  check_mapping(root, kTopLevelKeys);

  PipelineConfig config;
  config.source = source;
  config.database = read_database(root.at("database"));
  // Required even when empty, as in the original: `filters: []` says "no global filter" on purpose.
  config.filters = read_components(&root.at("filters"));
  const sdk::Config& processors = root.at("processors");
  for (const sdk::Config& entry : processors.items()) config.processors.push_back(read_processor(entry));
  if (config.processors.empty()) processors.fail("must not be empty (popyka refuses to run without any processor)");
  if (const sdk::Config* metrics = find_given(root, "metrics")) {
    check_mapping(*metrics, kMetricsKeys);
    config.metrics_listen = metrics->at("listen").as_nonblank_string();
  }
  return config;
}

}  // namespace

PipelineConfig read_pipeline(const sdk::Config& root, const std::string& source) {
  try {
    return read_checked(root, source);
  } catch (const ConfigFileError&) {
    throw;  // already names the source
  } catch (const sdk::ConfigError& e) {
    throw ConfigFileError(source + ": " + e.what());
  }
}

}  // namespace popyka::config
