#pragma once
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "config/key_schema.hpp"

namespace popyka::config {

// popyka-host's own config keys, declared as a plugin class declares its own (key_schema.hpp):
// one line a key, checked by read_pipeline (pipeline_schema.hpp) and printed by
// `popyka-host --describe`, which the README's config table is (tests/config).
struct HostSection {
  std::string name;    // what --describe takes: "database"; "" for the top level
  std::string header;  // how --describe heads it: "database:", "processors[N]:"
  std::vector<Key> keys;
};

// The top level, database, metrics, a filter or error handler entry, a processor entry.
struct HostSchema {
  HostSection top_level, database, metrics, component, processor;
  std::vector<const HostSection*> sections() const { return {&top_level, &database, &metrics, &component, &processor}; }
};

const HostSchema& host_schema();

// `popyka-host --describe [SECTION]`: every section, or the one named (database, metrics,
// filters, processors). Throws sdk::ConfigError naming the known sections for another name.
void describe_host_keys(std::ostream& out, std::string_view section = {});
// Whether `name` is a section describe_host_keys() takes ("" included).
bool is_host_section(std::string_view name);
// The sections' names, for error messages: "database, metrics, filters, processors".
std::string host_section_names();

}  // namespace popyka::config
