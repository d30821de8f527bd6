#include "config/key_schema.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace popyka::config {
namespace {

std::string join_names(std::span<const Key> keys) {
  std::string names;
  for (const Key& key : keys) names += (names.empty() ? "" : ", ") + key.name;
  return names;
}

// "a or b", "a, b or c".
std::string either(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  return out;
}

const Key* find_key(std::span<const Key> keys, std::string_view name) {
  const auto found = std::find_if(keys.begin(), keys.end(), [&](const Key& key) { return key.name == name; });
  return found == keys.end() ? nullptr : &*found;
}

// Shortest exact text: 1000000, not {:g}'s 1e+06.
std::string bound_text(double bound) { return fmt::format("{}", bound); }

void check_number(const sdk::Config& value, const KeyType& type, double number) {
  const bool below = type.min && (type.above_min ? !(number > *type.min) : !(number >= *type.min));
  const bool above = type.max && !(number <= *type.max);
  if (!std::isfinite(number) || below || above)
    value.fail(fmt::format("must be a number of {}, found '{}'", type_name(type), value.as_string()));  // "seconds > 0"
}

[[noreturn]] void unknown_key(const sdk::Config& mapping, const std::string& key, std::span<const Key> keys, KeyOwner owner) {
  const std::string path = mapping.child_path(key);
  if (owner.class_name.empty()) throw sdk::ConfigError(fmt::format("{}: unknown key (expected one of: {})", path, join_names(keys)));
  if (keys.empty()) throw sdk::ConfigError(fmt::format("{}: {} takes no config (remove the key)", path, owner.class_name));
  throw sdk::ConfigError(fmt::format("{}: unknown key for {} (expected one of: {})", path, owner.class_name, join_names(keys)));
}

}  // namespace

KeyType of_type(sdk::ConfigType base) {
  KeyType type;
  type.base = base;
  return type;
}
KeyType nonblank_string() {
  KeyType type;
  type.nonblank = true;
  return type;
}
KeyType one_of(std::vector<std::string> choices) {
  KeyType type;
  type.choices = std::move(choices);
  return type;
}
KeyType whole_number(std::int64_t min, std::int64_t max, std::string counts) {
  KeyType type = of_type(sdk::ConfigType::Int);
  type.min = static_cast<double>(min);
  type.max = static_cast<double>(max);
  type.what = std::move(counts);
  return type;
}
KeyType whole_number_at_least(std::int64_t min, std::string unit) {
  KeyType type = of_type(sdk::ConfigType::Int);
  type.min = static_cast<double>(min);
  type.what = std::move(unit);
  return type;
}
KeyType seconds_above_zero() {
  KeyType type = of_type(sdk::ConfigType::Double);
  type.min = 0.0;
  type.above_min = true;
  type.what = "seconds";
  return type;
}
KeyType seconds_or_off() {
  KeyType type = of_type(sdk::ConfigType::Double);
  type.min = 0.0;
  type.what = "seconds";
  type.off_meaning = "off";
  return type;
}
KeyType list_of(std::string what) {
  KeyType type = of_type(sdk::ConfigType::List);
  type.what = std::move(what);
  return type;
}
KeyType map_of(std::string what) {
  KeyType type = of_type(sdk::ConfigType::Map);
  type.what = std::move(what);
  return type;
}

Key required_key(std::string name, KeyType type, std::string help) {
  return Key{std::move(name), std::move(type), true, std::nullopt, std::move(help)};
}
Key optional_key(std::string name, KeyType type, std::optional<std::string> default_value, std::string help) {
  return Key{std::move(name), std::move(type), false, std::move(default_value), std::move(help)};
}

KeyType mapping_with(std::span<const Key> keys) { return map_of("with the keys " + join_names(keys)); }

std::string type_name(const KeyType& type) {
  using enum sdk::ConfigType;
  if (!type.choices.empty()) return fmt::format("{}", fmt::join(type.choices, "|"));
  switch (type.base) {
    case String: return "string";
    case Bool: return "bool";
    case List: return "list";
    case Map: return "map";
    case Int:
      if (type.min && type.max) return fmt::format("int {}..{}", bound_text(*type.min), bound_text(*type.max));
      if (type.min) return fmt::format("{} >= {}", type.what.empty() ? "int" : type.what, bound_text(*type.min));
      return "int";
    case Double:
      if (type.what.empty() || !type.min) return "double";
      return fmt::format("{} {} {}{}", type.what, type.above_min ? ">" : ">=", bound_text(*type.min),
                         type.off_meaning.empty() ? "" : fmt::format(" ({}: {})", bound_text(*type.min), type.off_meaning));
  }
  return {};
}

void check_value(const sdk::Config& value, const KeyType& type) {
  using enum sdk::ConfigType;
  switch (type.base) {
    case String: {
      const std::string& text = type.nonblank ? value.as_nonblank_string() : value.as_string();
      if (!type.choices.empty() && std::find(type.choices.begin(), type.choices.end(), text) == type.choices.end())
        value.fail(fmt::format("must be {}, found '{}'", either(type.choices), text));
      return;
    }
    case Int: {
      const std::int64_t number = value.as_int64();
      if (type.min && !type.max && number < *type.min)
        value.fail(fmt::format("must be a whole number of {} >= {}, found '{}'", type.what, bound_text(*type.min), value.as_string()));
      if ((type.min && number < *type.min) || (type.max && number > *type.max))
        value.fail(fmt::format("must be a whole number from {} to {}{}, found '{}'", bound_text(type.min.value_or(0)),
                               bound_text(type.max.value_or(0)), type.what.empty() ? "" : " (" + type.what + ")", value.as_string()));
      return;
    }
    case Double:
      if (type.min || type.max) check_number(value, type, value.as_double());
      else value.as_double();
      return;
    case Bool: value.as_bool(); return;
    case List:
      if (!value.is_list()) value.fail(type.what.empty() ? "expected a list" : "expected a list " + type.what);
      return;
    case Map:
      if (!value.is_map()) value.fail(type.what.empty() ? "expected a mapping" : "expected a mapping " + type.what);
      return;
  }
}

sdk::Config apply_keys(const sdk::Config& mapping, std::span<const Key> keys, KeyOwner owner) {
  if (!mapping.is_map() && !mapping.is_null()) check_value(mapping, mapping_with(keys));
  const bool host = owner.class_name.empty();
  std::vector<sdk::Config::Entry> entries;
  for (const auto& [name, value] : mapping.entries()) {
    const Key* key = find_key(keys, name);
    if (key == nullptr) unknown_key(mapping, name, keys, owner);
    if (value.is_null() && !(host && key->required)) continue;  // as if absent: a default or "required" below
    check_value(value, key->type);
    entries.emplace_back(name, value);
  }
  for (const Key& key : keys) {
    if (std::any_of(entries.begin(), entries.end(), [&](const sdk::Config::Entry& e) { return e.first == key.name; })) continue;
    if (key.required) {
      const std::string path = mapping.child_path(key.name);
      if (host) throw sdk::ConfigError(path + ": required key is missing");
      throw sdk::ConfigError(fmt::format("{}: required key is missing ({}: {})", path, owner.class_name, key.help.empty() ? "no help given" : key.help));
    }
    if (key.default_value) entries.emplace_back(key.name, sdk::Config::scalar(mapping.child_path(key.name), *key.default_value));
  }
  return sdk::Config::map(mapping.path(), std::move(entries));
}

void describe_keys(std::ostream& out, std::span<const Key> keys) {
  // Each column at least its width and two spaces from the next.
  const auto column = [](const std::string& text, std::size_t width) { return text + std::string(std::max(width, text.size() + 1) - text.size(), ' '); };
  for (const Key& key : keys) {
    const std::string presence = key.required ? "required" : key.default_value ? "default: " + *key.default_value : "optional";
    fmt::print(out, "  {} {} {} {}\n", column(key.name, 22), column(type_name(key.type), 7), column(presence, 22), key.help);
  }
}

}  // namespace popyka::config
