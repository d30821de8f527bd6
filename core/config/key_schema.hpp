#pragma once
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "popyka/sdk/config.hpp"
#include "popyka/sdk/plugin.hpp"

namespace popyka::config {

// The keys of one YAML mapping, declared once and then checked, completed and described by the
// code below: popyka-host's own keys (host_schema.hpp) and a plugin class's sdk::ConfigKeys
// (plugin_loading/config_schema.hpp) alike, so both give the same one-line errors naming the
// YAML path, and both print with --describe.

// What a key's value must be: one of the SDK's ConfigTypes, narrowed where the key has a fixed
// set of words or a range.
struct KeyType {
  sdk::ConfigType base = sdk::ConfigType::String;
  std::vector<std::string> choices;  // a string: one of these words
  std::optional<double> min, max;    // a number: min <= value <= max (min < value when above_min)
  bool above_min = false;
  bool nonblank = false;    // a string: not only white space
  std::string what;         // a number: what it counts ("seconds"); a list or map: of what ("of schema.table names")
  std::string off_meaning;  // a number whose 0 means something ("off"), shown in its error
};

KeyType of_type(sdk::ConfigType base);
KeyType nonblank_string();
KeyType one_of(std::vector<std::string> choices);
KeyType whole_number(std::int64_t min, std::int64_t max, std::string counts);
KeyType whole_number_at_least(std::int64_t min, std::string unit);  // "megabytes": "a whole number of megabytes >= 1"
KeyType seconds_above_zero();
KeyType seconds_or_off();  // >= 0, 0: off
KeyType list_of(std::string what);  // "of schema.table names": "expected a list of schema.table names"
KeyType map_of(std::string what);

struct Key {
  std::string name;
  KeyType type;
  bool required = false;
  std::optional<std::string> default_value;  // YAML text put in when the key is absent
  std::string help;                          // one line for --describe (and the README's table)
};

Key required_key(std::string name, KeyType type, std::string help);
Key optional_key(std::string name, KeyType type, std::optional<std::string> default_value, std::string help);
// A mapping checked with `keys` (apply_keys): its type error lists them.
KeyType mapping_with(std::span<const Key> keys);

// Whose keys they are: a plugin class's (named in the errors, with a missing key's help) or
// popyka-host's own (empty: the YAML path says enough).
struct KeyOwner {
  std::string_view class_name;
};

// What --describe prints in the type column: "string", "int", "never|initial", "int 1..64",
// "seconds > 0", ...
std::string type_name(const KeyType& type);

// Throws sdk::ConfigError `<path>: <what>` when `value` is not of `type`.
void check_value(const sdk::Config& value, const KeyType& type);

// `mapping` checked against `keys`, with defaults filled in. Throws sdk::ConfigError naming the
// YAML path: not a mapping, a key not declared, a value of the wrong type, a missing required
// key. An absent or null key counts as absent; except that a required host key written without
// a value (`filters:`) is its type's error, as it is there but is not what it must be.
sdk::Config apply_keys(const sdk::Config& mapping, std::span<const Key> keys, KeyOwner owner = {});

// One line a key: name, type, `required` / `default: X` / `optional`, help; the columns are
// two spaces apart at least (the README's table is made from them).
void describe_keys(std::ostream& out, std::span<const Key> keys);

}  // namespace popyka::config
