// popyka-host's own config keys (config/host_schema.hpp) and the checks every declared key gets
// (config/key_schema.hpp), the host's and a plugin's alike.
#include <catch2/catch.hpp>

#include <sstream>

#include "config/config_loader.hpp"
#include "config/host_schema.hpp"
#include "fake_environment.hpp"

using namespace popyka::config;
using popyka::sdk::Config;
using popyka::sdk::ConfigError;

namespace {

Config scalar(const std::string& text) { return Config::scalar("x.key", text); }

}  // namespace

TEST_CASE("a key's type says its choices and range, in errors and in --describe", "[host_schema]") {
  const KeyType colour = one_of({"red", "green", "blue"});
  CHECK(type_name(colour) == "red|green|blue");
  CHECK_NOTHROW(check_value(scalar("green"), colour));
  CHECK_THROWS_WITH(check_value(scalar("pink"), colour), "x.key: must be red, green or blue, found 'pink'");

  const KeyType parallelism = whole_number(1, 64, "connections");
  CHECK(type_name(parallelism) == "int 1..64");
  CHECK_NOTHROW(check_value(scalar("64"), parallelism));
  CHECK_THROWS_WITH(check_value(scalar("0"), parallelism), "x.key: must be a whole number from 1 to 64 (connections), found '0'");

  CHECK(type_name(seconds_above_zero()) == "seconds > 0");
  CHECK(type_name(seconds_or_off()) == "seconds >= 0 (0: off)");
  CHECK_NOTHROW(check_value(scalar("0"), seconds_or_off()));
  CHECK_THROWS_WITH(check_value(scalar("0"), seconds_above_zero()), "x.key: must be a number of seconds > 0, found '0'");
  CHECK_THROWS_WITH(check_value(scalar(" "), nonblank_string()), "x.key: must not be blank");
}

TEST_CASE("the host's keys and a plugin's get the same errors, the plugin's naming its class", "[host_schema]") {
  const std::vector<Key> keys = {required_key("name", of_type(popyka::sdk::ConfigType::String), "who"),
                                 optional_key("count", whole_number(1, 3, "tries"), "2", "how many")};
  const Config extra = Config::map("a", {{"name", Config::scalar("a.name", "x")}, {"nme", Config::scalar("a.nme", "x")}});
  CHECK_THROWS_WITH(apply_keys(extra, keys), "a.nme: unknown key (expected one of: name, count)");
  CHECK_THROWS_WITH(apply_keys(extra, keys, KeyOwner{"my.Class"}), "a.nme: unknown key for my.Class (expected one of: name, count)");
  const Config wrong = Config::map("a", {{"name", Config::scalar("a.name", "x")}, {"count", Config::scalar("a.count", "9")}});
  CHECK_THROWS_WITH(apply_keys(wrong, keys), "a.count: must be a whole number from 1 to 3 (tries), found '9'");
  CHECK_THROWS_WITH(apply_keys(wrong, keys, KeyOwner{"my.Class"}), "a.count: must be a whole number from 1 to 3 (tries), found '9'");
  CHECK(apply_keys(Config::map("a", {{"name", Config::scalar("a.name", "x")}}), keys).at("count").as_int64() == 2);
}

TEST_CASE("the defaults popyka-host's schema declares are DatabaseSpec's", "[host_schema]") {
  // A config with only the required keys reads as a DatabaseSpec left as constructed: the
  // schema's defaults (shown by --describe) and the struct's agree.
  const DatabaseSpec read =
      parse_pipeline_config("database: {connect_url: x, slot_name: s}\nfilters: []\nprocessors: [{class: P}]\n", "my.yaml",
                            popyka::test::fake_environment({}))
          .database;
  const DatabaseSpec constructed;
  CHECK(read.status_interval_s == constructed.status_interval_s);
  CHECK(read.reconnect_initial_s == constructed.reconnect_initial_s);
  CHECK(read.reconnect_max_s == constructed.reconnect_max_s);
  CHECK(read.snapshot == constructed.snapshot);
  CHECK(read.snapshot_parallelism == constructed.snapshot_parallelism);
  CHECK(read.heartbeat_interval_s == constructed.heartbeat_interval_s);
  CHECK(read.heartbeat_connect_url == constructed.heartbeat_connect_url);
  CHECK(read.output_plugin == constructed.output_plugin);
  CHECK(read.publication == constructed.publication);
  CHECK(read.slot_busy_wait_s == constructed.slot_busy_wait_s);
  CHECK(read.standby == constructed.standby);
  CHECK(read.failover == constructed.failover);
  CHECK(read.application_name == constructed.application_name);
  CHECK(read.unchanged_toast == constructed.unchanged_toast);
}

TEST_CASE("popyka-host --describe prints its sections, or the one named", "[host_schema]") {
  std::ostringstream all, database;
  describe_host_keys(all);
  describe_host_keys(database, "database");
  CHECK(all.str().find("top level:\n  database ") == 0);
  CHECK(database.str().find("database:\n  connect_url ") == 0);
  CHECK(database.str().find("\n  snapshot_parallelism   int 1..64  optional ") != std::string::npos);
  CHECK(database.str().find("\n  output_plugin          wal2json|pgoutput  default: wal2json ") != std::string::npos);
  CHECK(all.str().find(database.str()) != std::string::npos);
  CHECK(database.str().find("metrics:") == std::string::npos);
  CHECK(is_host_section("metrics"));
  CHECK_FALSE(is_host_section("popyka.builtin.filters.IgnoreTxFilter"));
  std::ostringstream unused;
  CHECK_THROWS_AS(describe_host_keys(unused, "nothing"), ConfigError);
}
