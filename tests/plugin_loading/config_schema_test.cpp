// The host's side of sdk::ConfigKeys: checking a class's declaration when its plugin loads, and
// checking and completing a `config:` before setup().
#include <catch2/catch.hpp>

#include "plugin_loading/config_schema.hpp"

namespace sdk = popyka::sdk;
using popyka::plugin_loading::apply_config_keys;
using popyka::plugin_loading::config_keys_problem;
using popyka::plugin_loading::RegisteredClass;
using sdk::Config;
using sdk::ConfigType;

namespace {

constexpr sdk::ConfigKey kKeys[] = {
    sdk::required_key("name", ConfigType::String, "who"),        sdk::optional_key("count", ConfigType::Int, "3", "how many"),
    sdk::optional_key("ratio", ConfigType::Double, "0.5", "how much"), sdk::optional_key("loud", ConfigType::Bool, "no", "whether"),
    sdk::optional_key("tags", ConfigType::List, nullptr, "labels"),    sdk::optional_key("extra", ConfigType::Map, nullptr, "more"),
};

sdk::ClassInfo class_with(sdk::ConfigKeys keys) { return sdk::ClassInfo{sdk::ComponentKind::Filter, "test.Schema", nullptr, nullptr, keys}; }

Config map(std::vector<Config::Entry> entries) { return Config::map("filters[0].config", std::move(entries)); }
Config scalar(const std::string& key, const std::string& text) { return Config::scalar("filters[0].config." + key, text); }

Config apply(const sdk::ClassInfo& info, const Config& config) { return apply_config_keys(RegisteredClass{&info, "test.so", "1.0.0"}, config); }

}  // namespace

TEST_CASE("declared defaults are filled in, given values kept, each typed read then succeeds") {
  const sdk::ClassInfo info = class_with(sdk::ConfigKeys::of(kKeys));
  const Config config = apply(info, map({{"name", scalar("name", "x")}, {"count", scalar("count", "7")}}));
  CHECK(config.at("name").as_string() == "x");
  CHECK(config.at("count").as_int64() == 7);
  CHECK(config.at("ratio").as_double() == 0.5);
  CHECK(config.at("ratio").path() == "filters[0].config.ratio");
  CHECK_FALSE(config.at("loud").as_bool());
  CHECK_FALSE(config.contains("tags"));  // optional without a default: stays absent
}

TEST_CASE("every declared type is checked, the error naming the YAML path") {
  const sdk::ClassInfo info = class_with(sdk::ConfigKeys::of(kKeys));
  const auto with = [&](const std::string& key, Config value) { return apply(info, map({{"name", scalar("name", "x")}, {key, std::move(value)}})); };
  CHECK_THROWS_WITH(with("count", scalar("count", "1.5")), "filters[0].config.count: expected an integer, found '1.5'");
  CHECK_THROWS_WITH(with("ratio", scalar("ratio", "half")), "filters[0].config.ratio: expected a number, found 'half'");
  CHECK_THROWS_WITH(with("loud", scalar("loud", "maybe")), "filters[0].config.loud: expected true or false, found 'maybe'");
  CHECK_THROWS_WITH(with("tags", scalar("tags", "a")), "filters[0].config.tags: expected a list");
  CHECK_THROWS_WITH(with("extra", Config::list("filters[0].config.extra", {})), "filters[0].config.extra: expected a mapping");
  CHECK_THROWS_WITH(with("name", Config::map("filters[0].config.name", {})), "filters[0].config.name: expected a string");
  CHECK_NOTHROW(with("tags", Config::list("filters[0].config.tags", {scalar("tags[0]", "a")})));
}

TEST_CASE("a missing or null required key is named with its help") {
  const sdk::ClassInfo info = class_with(sdk::ConfigKeys::of(kKeys));
  CHECK_THROWS_WITH(apply(info, Config::null("filters[0].config")), "filters[0].config.name: required key is missing (test.Schema: who)");
  CHECK_THROWS_WITH(apply(info, map({{"name", Config::null("filters[0].config.name")}})),
                    "filters[0].config.name: required key is missing (test.Schema: who)");
}

TEST_CASE("a class that declares nothing takes no keys, any_keys() is the explicit opt-out") {
  const Config config = map({{"whatever", scalar("whatever", "1")}});
  CHECK_THROWS_WITH(apply(class_with(sdk::ConfigKeys::none()), config), "filters[0].config.whatever: test.Schema takes no config (remove the key)");
  CHECK_NOTHROW(apply(class_with(sdk::ConfigKeys::none()), Config::null("filters[0].config")));
  CHECK(apply(class_with(sdk::ConfigKeys::any_keys()), config).at("whatever").as_int64() == 1);
  // plugin_class<T>() without keys declares none.
  struct Quiet final : sdk::Filter {
    sdk::FilterResult filter(const sdk::Change&) override { return sdk::FilterResult::Continue; }
  };
  constexpr sdk::ClassInfo quiet = sdk::plugin_class<Quiet>("test.Quiet");
  CHECK_FALSE(quiet.config_keys.any);
  CHECK(quiet.config_keys.count == 0);
}

TEST_CASE("a declaration the host cannot honour is a problem of the plugin, found when it loads") {
  CHECK_FALSE(config_keys_problem(sdk::ConfigKeys::of(kKeys)));
  const auto problem = [](std::initializer_list<sdk::ConfigKey> keys) {
    return config_keys_problem(sdk::ConfigKeys{keys.begin(), keys.size(), false}).value_or("no problem");
  };
  CHECK(problem({sdk::required_key("", ConfigType::String, "")}) == "declares a config key without a name");
  CHECK(problem({sdk::required_key("a", static_cast<ConfigType>(99), "")}) ==
        "config key 'a' has type 99, unknown to this host (built for a newer SDK?)");
  CHECK(problem({sdk::required_key("a", ConfigType::Int, ""), sdk::required_key("a", ConfigType::Int, "")}) == "declares config key 'a' twice");
  CHECK(problem({sdk::ConfigKey{"a", ConfigType::Int, true, "1", ""}}) == "config key 'a' is required and has a default: give one or the other");
  CHECK(problem({sdk::optional_key("a", ConfigType::List, "[]", "")}) == "config key 'a' is a list and has a default: only scalars take one");
  CHECK(problem({sdk::optional_key("a", ConfigType::Bool, "perhaps", "")}) == "config key 'a': default: expected true or false, found 'perhaps'");
}
