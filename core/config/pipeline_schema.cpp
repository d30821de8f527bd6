#include "config/pipeline_schema.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "config/config_error.hpp"
#include "config/host_schema.hpp"
#include "config/slot_name.hpp"

namespace popyka::config {
namespace {

// Each check below throws sdk::ConfigError `<yaml path>: <what>`; read_pipeline adds the source.
// The keys' types, ranges and defaults are checked by apply_keys (host_schema.cpp); what is
// left here is what a type cannot say: a name's rule, and keys that only go with others.

// A key the user wrote with a value, in the mapping as written (not its defaults).
const sdk::Config* find_given(const sdk::Config& map, std::string_view key) {
  const sdk::Config* value = map.find(key);
  return value && !value->is_null() ? value : nullptr;
}

// `key`, given without the other key's value it only goes with: fails naming both.
void only_with(const sdk::Config& written, std::string_view key, bool condition, std::string_view what) {
  if (const sdk::Config* value = find_given(written, key); value && !condition) value->fail(fmt::format("only means something with {}", what));
}

// Checked here so a typo fails before connecting.
std::string read_slot_name(const sdk::Config& node) {
  const std::string& name = node.as_string();
  if (!is_valid_slot_name(name)) node.fail("must be " + std::string(slot_name_rule) + ", found '" + name + "'");
  return name;
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

// `schema.table`: split at the first dot, both parts non-empty.
const std::string& read_table_name(const sdk::Config& node) {
  const std::string& name = node.as_string();
  const auto dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size())
    node.fail("expected schema.table (e.g. public.orders), found '" + name + "'");
  return name;
}

// `schema.table` each, no repeats.
std::vector<std::string> read_snapshot_tables(const sdk::Config* list) {
  std::vector<std::string> tables;
  if (!list) return tables;
  for (const sdk::Config& item : list->items()) {
    const std::string& name = read_table_name(item);
    if (std::find(tables.begin(), tables.end(), name) != tables.end()) item.fail("'" + name + "' is listed twice");
    tables.push_back(name);
  }
  return tables;
}

std::vector<std::pair<std::string, std::string>> read_wal2json_options(const sdk::Config* options) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!options) return out;
  for (const auto& [name, value] : options->entries()) {
    if (!value.is_scalar()) value.fail("expected a single value (wal2json options are strings, numbers or booleans)");
    out.emplace_back(name, value.as_string());
  }
  return out;
}

// One of the key's words (checked by its type), as the enum value at the same place.
template <class Enum>
Enum read_choice(const sdk::Config& node, std::initializer_list<std::pair<std::string_view, Enum>> words) {
  for (const auto& [word, value] : words)
    if (node.as_string() == word) return value;
  node.fail("unexpected value '" + node.as_string() + "'");  // its type lets no other word through
}

DatabaseSpec read_database(const sdk::Config& written) {
  const sdk::Config database = apply_keys(written, host_schema().database.keys);
  using enum DatabaseSpec::Snapshot;
  using enum DatabaseSpec::OutputPlugin;
  using enum DatabaseSpec::UnchangedToast;
  DatabaseSpec spec;
  // An empty connect_url is valid: libpq then takes everything from PGHOST, PGUSER, ...
  spec.connect_url = database.at("connect_url").as_string();
  spec.slot_name = read_slot_name(database.at("slot_name"));
  spec.wal2json_options = read_wal2json_options(database.find("wal2json_options"));
  spec.status_interval_s = database.at("status_interval_s").as_double();
  spec.reconnect_initial_s = database.at("reconnect_initial_s").as_double();
  spec.reconnect_max_s = database.at("reconnect_max_s").as_double();
  spec.snapshot = read_choice<DatabaseSpec::Snapshot>(database.at("snapshot"), {{"never", never}, {"initial", initial}, {"incremental", incremental}});
  spec.snapshot_tables = read_snapshot_tables(database.find("snapshot_tables"));
  spec.snapshot_chunk_size = database.at("snapshot_chunk_size").as_int64();
  if (const sdk::Config* table = database.find("signal_table")) spec.signal_table = read_table_name(*table);
  if (const sdk::Config* parallelism = database.find("snapshot_parallelism"))
    spec.snapshot_parallelism = static_cast<int>(parallelism->as_int64());
  else
    spec.snapshot_parallelism = default_snapshot_parallelism();
  spec.heartbeat_interval_s = database.at("heartbeat_interval_s").as_double();
  if (const sdk::Config* url = database.find("heartbeat_connect_url")) spec.heartbeat_connect_url = url->as_string();
  spec.output_plugin = read_choice<DatabaseSpec::OutputPlugin>(database.at("output_plugin"), {{"wal2json", wal2json}, {"pgoutput", pgoutput}});
  spec.publication = read_publication(database.at("publication"));
  spec.slot_busy_wait_s = database.at("slot_busy_wait_s").as_double();
  spec.standby = database.at("standby").as_bool();
  spec.failover = database.at("failover").as_bool();
  spec.application_name = database.at("application_name").as_string();
  spec.unchanged_toast = read_choice<DatabaseSpec::UnchangedToast>(database.at("unchanged_toast"), {{"omit", omit}, {"from_identity", from_identity}});
  spec.streaming = database.at("streaming").as_bool();
  if (const sdk::Config* directory = database.find("spool_directory")) spec.spool_directory = directory->as_string();
  spec.spool_memory_mb = database.at("spool_memory_mb").as_int64();
  spec.spool_disk_mb = database.at("spool_disk_mb").as_int64();

  only_with(written, "snapshot_tables", spec.snapshot != never, "snapshot: initial or incremental");
  only_with(written, "snapshot_parallelism", spec.snapshot == initial, "snapshot: initial");
  only_with(written, "heartbeat_connect_url", spec.heartbeat_interval_s > 0, "heartbeat_interval_s > 0");
  only_with(written, "publication", spec.output_plugin == pgoutput, "output_plugin: pgoutput");
  if (spec.streaming && spec.output_plugin != pgoutput)
    written.at("streaming").fail("needs output_plugin: pgoutput (wal2json cannot stream a transaction before its commit)");
  for (std::string_view key : {"spool_directory", "spool_memory_mb", "spool_disk_mb"}) only_with(written, key, spec.streaming, "streaming: on");
  only_with(written, "wal2json_options", spec.output_plugin == wal2json || spec.wal2json_options.empty(),
            "output_plugin: wal2json (the default)");
  if (spec.reconnect_max_s < spec.reconnect_initial_s)
    written.fail(fmt::format("reconnect_max_s ({}) must not be less than reconnect_initial_s ({})", spec.reconnect_max_s,
                             spec.reconnect_initial_s));
  return spec;
}

ComponentSpec read_component(const sdk::Config& entry, const sdk::Config& checked) {
  ComponentSpec spec;
  spec.path = entry.path();
  spec.class_name = checked.at("class").as_string();
  const sdk::Config* config = checked.find("config");
  spec.config = config ? *config : sdk::Config::map(entry.child_path("config"), {});
  return spec;
}

std::vector<ComponentSpec> read_components(const sdk::Config* list) {
  std::vector<ComponentSpec> specs;
  if (!list) return specs;
  for (const sdk::Config& entry : list->items())
    specs.push_back(read_component(entry, apply_keys(entry, host_schema().component.keys)));
  return specs;
}

ProcessorSpec read_processor(const sdk::Config& entry) {
  const sdk::Config checked = apply_keys(entry, host_schema().processor.keys);
  ProcessorSpec spec{read_component(entry, checked), read_components(checked.find("filters")),
                     read_components(checked.find("error_handlers")), std::nullopt};
  if (const sdk::Config* timeout = checked.find("timeout_s")) spec.timeout_s = timeout->as_double();
  return spec;
}

std::string required_top_level_keys() {
  std::string names;
  for (const Key& key : host_schema().top_level.keys)
    if (key.required) names += (names.empty() ? "" : ", ") + key.name;
  return names;
}

PipelineConfig read_checked(const sdk::Config& written, const std::string& source) {
  if (written.is_null())
    throw ConfigFileError(source + ": the file is empty (expected the keys " + required_top_level_keys() + ")");
  if (!written.is_map())
    throw ConfigFileError(source + ": expected a mapping with the keys " + required_top_level_keys() + " at the top level");
  const sdk::Config root = apply_keys(written, host_schema().top_level.keys);

  PipelineConfig config;
  config.source = source;
  config.database = read_database(root.at("database"));
  // Required even when empty, as in the original: `filters: []` says "no global filter" on purpose.
  config.filters = read_components(&root.at("filters"));
  const sdk::Config& processors = root.at("processors");
  for (const sdk::Config& entry : processors.items()) config.processors.push_back(read_processor(entry));
  if (config.processors.empty()) processors.fail("must not be empty (popyka refuses to run without any processor)");
  if (const sdk::Config* metrics = root.find("metrics"))
    config.metrics_listen = apply_keys(*metrics, host_schema().metrics.keys).at("listen").as_string();
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
