#include "config/yaml_document.hpp"

#include <algorithm>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config_error.hpp"
#include "config/interpolation.hpp"

namespace popyka::config {
namespace {

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string item_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

YAML::Node parse(std::string_view yaml, const std::string& source) {
  try {
    return YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // yaml-cpp counts lines and columns from 0; editors count from 1.
    if (e.mark.is_null()) throw ConfigFileError(source + ": invalid YAML: " + e.msg);
    throw ConfigFileError(source + ": line " + std::to_string(e.mark.line + 1) + ", column " +
                          std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
}

class TreeBuilder {
 public:
  TreeBuilder(const std::string& source, const Environment& env) : source_(source), env_(env) {}

  sdk::Config build(const YAML::Node& node, const std::string& path) const {
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        // Numbers and booleans cannot hold a `$`, so expanding every scalar leaves them as written.
        return sdk::Config::scalar(path, interpolate(node.Scalar(), env_, where(path)));
      case YAML::NodeType::Sequence:
        return sdk::Config::list(path, build_items(node, path));
      case YAML::NodeType::Map:
        return sdk::Config::map(path, build_entries(node, path));
      default:  // Null (`~`, `null`, nothing) and Undefined
        return sdk::Config::null(path);
    }
  }

 private:
  std::vector<sdk::Config> build_items(const YAML::Node& list, const std::string& path) const {
    std::vector<sdk::Config> items;
    for (const YAML::Node& item : list) items.push_back(build(item, item_path(path, items.size())));
    return items;
  }

  std::vector<sdk::Config::Entry> build_entries(const YAML::Node& map, const std::string& path) const {
    std::vector<sdk::Config::Entry> entries;
    for (const auto& entry : map) {
      if (!entry.first.IsScalar()) fail(path, "a key must be a plain string, not a list or mapping");
      const std::string& key = entry.first.Scalar();
      const std::string key_path = child_path(path, key);
      // yaml-cpp keeps both copies of a repeated key; which one wins would be a guess.
      if (std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.first == key; }))
        fail(key_path, "duplicate key");
      entries.emplace_back(key, build(entry.second, key_path));
    }
    return entries;
  }

  std::string where(const std::string& path) const { return path.empty() ? source_ : source_ + ": " + path; }

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw ConfigFileError(where(path) + ": " + what);
  }

  const std::string& source_;
  const Environment& env_;
};

}  // namespace

sdk::Config read_config_document(std::string_view yaml, const std::string& source, const Environment& env) {
  return TreeBuilder(source, env).build(parse(yaml, source), "");
}

}  // namespace popyka::config
