#pragma once
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "popyka/sdk/errors.hpp"

namespace popyka::sdk {
inline namespace v1 {

// A read-only view of a component's `config:` mapping (or any part of it), already
// interpolated (`${VAR:-default}` resolved). Every node knows its YAML path, and every typed
// read that fails throws ConfigError naming it: `processors[1].config.topic: expected a string`.
//
// OWNERSHIP: the host owns the tree handed to setup(); it lives as long as the component, so a
// component may keep references into it. A Config is also a plain value: copying one copies
// the whole subtree (strings and children), and the copy owns it.
// THREADING: the host hands it to setup() on the pipeline thread (component.hpp) and never
// changes it afterwards. Reading is const and shares no mutable state, so threads a component
// starts itself may read the parts it keeps, as long as the component lives.
// Keys and other string_view arguments need only be valid during the call.
// Before setup() the host has checked it against the class's ConfigKeys: declared types hold,
// required keys are there, defaults are filled in (see plugin.hpp).
class Config {
 public:
  enum class Kind { Null, Scalar, List, Map };
  using Entry = std::pair<std::string, Config>;

  Config() = default;
  static Config null(std::string path) { return Config(Kind::Null, std::move(path)); }
  static Config scalar(std::string path, std::string text) {
    Config c(Kind::Scalar, std::move(path));
    c.text_ = std::move(text);
    return c;
  }
  static Config list(std::string path, std::vector<Config> items) {
    Config c(Kind::List, std::move(path));
    c.items_ = std::move(items);
    return c;
  }
  static Config map(std::string path, std::vector<Entry> entries) {
    Config c(Kind::Map, std::move(path));
    c.entries_ = std::move(entries);
    return c;
  }

  Kind kind() const noexcept { return kind_; }
  // Where this node is in the config file, e.g. `processors[1].config.topic`.
  const std::string& path() const noexcept { return path_; }
  bool is_null() const noexcept { return kind_ == Kind::Null; }
  bool is_scalar() const noexcept { return kind_ == Kind::Scalar; }
  bool is_list() const noexcept { return kind_ == Kind::List; }
  bool is_map() const noexcept { return kind_ == Kind::Map; }

  // Scalars. YAML scalars are text; the typed reads parse it.
  const std::string& as_string() const {
    if (!is_scalar()) fail("expected a string");
    return text_;
  }
  // A string with something other than white space in it.
  const std::string& as_nonblank_string() const {
    const std::string& s = as_string();
    if (std::all_of(s.begin(), s.end(), [](unsigned char ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r'); }))
      fail("must not be blank");
    return s;
  }
  std::int64_t as_int64() const {
    std::int64_t v{};
    const std::string& s = as_string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) fail("expected an integer, found '" + s + "'");
    return v;
  }
  double as_double() const {
    double v{};
    const std::string& s = as_string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) fail("expected a number, found '" + s + "'");
    return v;
  }
  bool as_bool() const {
    const std::string& s = as_string();
    for (const char* t : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})
      if (s == t) return true;
    for (const char* f : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})
      if (s == f) return false;
    fail("expected true or false, found '" + s + "'");
  }

  // Lists.
  const std::vector<Config>& items() const {
    if (!is_list()) fail("expected a list");
    return items_;
  }

  // Maps, in file order. An absent or null `config:` reads as an empty map.
  const std::vector<Entry>& entries() const {
    if (is_null()) return items_empty_map();
    if (!is_map()) fail("expected a mapping");
    return entries_;
  }
  const Config* find(std::string_view key) const {
    for (const Entry& e : entries())
      if (e.first == key) return &e.second;
    return nullptr;
  }
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // The value of a required key; throws `<path>.<key>: required` when it is missing.
  const Config& at(std::string_view key) const {
    if (const Config* c = find(key)) return *c;
    throw ConfigError(child_path(key) + ": required key is missing");
  }
  // Shortcuts for optional scalars.
  std::string get_string(std::string_view key, std::string fallback) const {
    const Config* c = find(key);
    return c ? c->as_string() : std::move(fallback);
  }
  std::int64_t get_int64(std::string_view key, std::int64_t fallback) const {
    const Config* c = find(key);
    return c ? c->as_int64() : fallback;
  }
  bool get_bool(std::string_view key, bool fallback) const {
    const Config* c = find(key);
    return c ? c->as_bool() : fallback;
  }

  // Throws ConfigError `<path>: <what>`.
  [[noreturn]] void fail(const std::string& what) const {
    throw ConfigError((path_.empty() ? std::string("config") : path_) + ": " + what);
  }
  std::string child_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

 private:
  Config(Kind kind, std::string path) : kind_(kind), path_(std::move(path)) {}
  static const std::vector<Entry>& items_empty_map() {
    static const std::vector<Entry> empty;
    return empty;
  }

  Kind kind_ = Kind::Null;
  std::string path_;
  std::string text_;
  std::vector<Config> items_;
  std::vector<Entry> entries_;
};

}  // namespace v1
}  // namespace popyka::sdk
