// Where the config comes from: POPYKA_CONFIG or the built-in default.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "config/config_loader.hpp"
#include "fake_environment.hpp"

using popyka::config::ConfigFileError;
using popyka::config::load_pipeline_config;
using popyka::config::PipelineConfig;
using popyka::test::fake_environment;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system's temporary directory, removed at the end of the test.
class TemporaryDirectory {
 public:
  TemporaryDirectory()
      : path_(fs::temp_directory_path() / ("popyka-config-test-" + std::to_string(std::random_device{}()))) {
    fs::create_directories(path_);
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// What the default config needs from the environment.
const std::map<std::string, std::string> kDefaultVariables = {
    {"POPYKA_DB_DSN", "postgresql://db/app"},
    {"POPYKA_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"},
};

}  // namespace

TEST_CASE("config file: without POPYKA_CONFIG the original's default is used", "[config_file]") {
  const PipelineConfig config = load_pipeline_config(fake_environment(kDefaultVariables));
  CHECK(config.source == "<built-in default>");
  CHECK(config.database.connect_url == "postgresql://db/app");
  CHECK(config.database.slot_name == "popyka");

  REQUIRE(config.filters.size() == 1);
  CHECK(config.filters[0].class_name == "popyka.builtin.filters.IgnoreTxFilter");
  CHECK(config.filters[0].config.entries().empty());

  REQUIRE(config.processors.size() == 2);
  CHECK(config.processors[0].class_name == "popyka.builtin.processors.LogChangeProcessor");
  CHECK(config.processors[0].error_handlers.empty());
  const auto& kafka = config.processors[1];
  CHECK(kafka.class_name == "popyka.builtin.processors.ProduceToKafkaProcessor");
  REQUIRE(kafka.error_handlers.size() == 1);
  CHECK(kafka.error_handlers[0].class_name == "popyka.builtin.error_handlers.RetryProcessor");
  CHECK(kafka.config.at("topic").as_string() == "popyka");
  CHECK(kafka.config.at("topic").path() == "processors[1].config.topic");
  const auto& producer = kafka.config.at("producer_config");
  CHECK(producer.at("bootstrap.servers").as_string() == "kafka:9092");
  CHECK(producer.at("client.id").as_string() == "popyka-client");
}

TEST_CASE("config file: the default config takes its optional variables", "[config_file]") {
  auto variables = kDefaultVariables;
  variables.insert({{"POPYKA_DB_SLOT_NAME", "other_slot"},
                    {"POPYKA_KAFKA_TOPIC", "changes"},
                    {"POPYKA_KAFKA_CLIENT_ID", "me"},
                    {"POPYKA_CONFIG", ""}});  // empty: as if unset
  const PipelineConfig config = load_pipeline_config(fake_environment(variables));
  CHECK(config.source == "<built-in default>");
  CHECK(config.database.slot_name == "other_slot");
  CHECK(config.processors.at(1).config.at("topic").as_string() == "changes");
  CHECK(config.processors.at(1).config.at("producer_config").at("client.id").as_string() == "me");
}

// The original's own test: an empty or blank POPYKA_CONFIG means the built-in default.
TEST_CASE("config file: POPYKA_CONFIG empty or blank means the built-in default", "[config_file]") {
  for (const std::string blank : {"", " ", "  ", "\t \n"}) {
    INFO("POPYKA_CONFIG='" << blank << "'");
    auto variables = kDefaultVariables;
    variables.insert({"POPYKA_CONFIG", blank});
    const PipelineConfig config = load_pipeline_config(fake_environment(variables));
    CHECK(config.source == "<built-in default>");
    CHECK(config.processors.size() == 2);
  }
}

TEST_CASE("config file: the default config names a variable it needs", "[config_file]") {
  CHECK_THROWS_WITH(load_pipeline_config(fake_environment({{"POPYKA_KAFKA_BOOTSTRAP_SERVERS", "k:9092"}})),
                    "<built-in default>: database.connect_url: environment variable POPYKA_DB_DSN is not set (set it "
                    "or write ${POPYKA_DB_DSN:-default})");
  CHECK_THROWS_WITH(load_pipeline_config(fake_environment({{"POPYKA_DB_DSN", "x"}})),
                    "<built-in default>: processors[1].config.producer_config.bootstrap.servers: environment variable "
                    "POPYKA_KAFKA_BOOTSTRAP_SERVERS is not set (set it or write "
                    "${POPYKA_KAFKA_BOOTSTRAP_SERVERS:-default})");
}

TEST_CASE("config file: POPYKA_CONFIG names the file to read", "[config_file]") {
  const TemporaryDirectory dir;
  const std::string file = dir.write("popyka.yaml", R"(
database: {connect_url: "$DSN", slot_name: s}
filters: []
processors: [{class: P}]
)");
  const PipelineConfig config = load_pipeline_config(fake_environment({{"POPYKA_CONFIG", file}, {"DSN", "dbname=x"}}));
  CHECK(config.source == file);
  CHECK(config.database.connect_url == "dbname=x");
  CHECK(config.processors.at(0).class_name == "P");
}

TEST_CASE("config file: errors in the file name the file", "[config_file]") {
  const TemporaryDirectory dir;
  const std::string file = dir.write("bad.yaml", "database: {connect_url: x, slot_name: s}\nfilters: []\nprocessors: []\n");
  CHECK_THROWS_WITH(load_pipeline_config(fake_environment({{"POPYKA_CONFIG", file}})),
                    file + ": processors: must not be empty (popyka refuses to run without any processor)");
  const std::string empty = dir.write("empty.yaml", "");
  CHECK_THROWS_WITH(load_pipeline_config(fake_environment({{"POPYKA_CONFIG", empty}})),
                    empty + ": the file is empty (expected the keys database, filters, processors)");
}

TEST_CASE("config file: a missing POPYKA_CONFIG file is an error saying what to do", "[config_file]") {
  const TemporaryDirectory dir;
  const std::string missing = dir.path() + "/nope.yaml";
  CHECK_THROWS_AS(load_pipeline_config(fake_environment({{"POPYKA_CONFIG", missing}})), ConfigFileError);
  CHECK_THROWS_WITH(load_pipeline_config(fake_environment({{"POPYKA_CONFIG", missing}})),
                    "POPYKA_CONFIG: " + missing +
                        ": no such file (point POPYKA_CONFIG at a YAML config file, or unset it to use the built-in "
                        "default)");
}

TEST_CASE("config file: a directory in POPYKA_CONFIG is an error saying what to do", "[config_file]") {
  const TemporaryDirectory dir;
  CHECK_THROWS_WITH(load_pipeline_config(fake_environment({{"POPYKA_CONFIG", dir.path()}})),
                    "POPYKA_CONFIG: " + dir.path() +
                        ": is a directory, not a file (point POPYKA_CONFIG at a YAML config file, or unset it to use "
                        "the built-in default)");
}
