// The config file's layout, its interpolation and every error it can produce.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "config/config_loader.hpp"
#include "fake_environment.hpp"

using popyka::config::ConfigFileError;
using popyka::config::parse_pipeline_config;
using popyka::config::PipelineConfig;
using popyka::test::fake_environment;
using popyka::sdk::Config;
using Catch::Matchers::Contains;

namespace {

PipelineConfig parse(const std::string& yaml, std::map<std::string, std::string> variables = {}) {
  return parse_pipeline_config(yaml, "my.yaml", fake_environment(std::move(variables)));
}

// The parts of a valid config; each test replaces the part it is about.
const std::string kDatabase = "database: {connect_url: 'postgresql://db/app', slot_name: s1}\n";
const std::string kFilters = "filters: []\n";
const std::string kProcessors = "processors: [{class: P}]\n";

}  // namespace

TEST_CASE("pipeline config reads every section", "[pipeline_config]") {
  const PipelineConfig config = parse(R"(
database:
  connect_url: "host=db dbname=app"
  slot_name: my_slot
  wal2json_options: {include-xids: true, include-lsn: 1, add-tables: "public.*"}
  status_interval_s: 2.5
  reconnect_initial_s: 0.5
  reconnect_max_s: 60
filters:
  - class: F1
    config: {a: 1}
  - class: F2
processors:
  - class: P1
    config:
    filters: [{class: PF}]
    error_handlers:
      - class: H1
      - class: H2
        config: {tries: 3}
)");
  CHECK(config.source == "my.yaml");
  CHECK(config.database.connect_url == "host=db dbname=app");
  CHECK(config.database.slot_name == "my_slot");
  using Option = std::pair<std::string, std::string>;
  CHECK(config.database.wal2json_options ==
        std::vector<Option>{{"include-xids", "true"}, {"include-lsn", "1"}, {"add-tables", "public.*"}});
  CHECK(config.database.status_interval_s == 2.5);
  CHECK(config.database.reconnect_initial_s == 0.5);
  CHECK(config.database.reconnect_max_s == 60);

  REQUIRE(config.filters.size() == 2);
  CHECK(config.filters[0].class_name == "F1");
  CHECK(config.filters[0].path == "filters[0]");
  CHECK(config.filters[0].config.at("a").as_int64() == 1);
  CHECK(config.filters[0].config.at("a").path() == "filters[0].config.a");

  // An absent or empty `config:` is an empty mapping that still knows where it is.
  CHECK(config.filters[1].config.is_map());
  CHECK(config.filters[1].config.entries().empty());
  CHECK(config.filters[1].config.path() == "filters[1].config");

  REQUIRE(config.processors.size() == 1);
  const auto& processor = config.processors[0];
  CHECK(processor.class_name == "P1");
  CHECK(processor.path == "processors[0]");
  CHECK(processor.config.is_map());
  CHECK(processor.config.path() == "processors[0].config");
  REQUIRE(processor.filters.size() == 1);
  CHECK(processor.filters[0].class_name == "PF");
  CHECK(processor.filters[0].path == "processors[0].filters[0]");
  REQUIRE(processor.error_handlers.size() == 2);
  CHECK(processor.error_handlers[1].class_name == "H2");
  CHECK(processor.error_handlers[1].path == "processors[0].error_handlers[1]");
  CHECK(processor.error_handlers[1].config.at("tries").path() == "processors[0].error_handlers[1].config.tries");
}

TEST_CASE("pipeline config has defaults for the optional database keys and processor lists", "[pipeline_config]") {
  const PipelineConfig config = parse(kDatabase + kFilters + kProcessors);
  CHECK(config.database.wal2json_options.empty());
  CHECK(config.database.status_interval_s == 10);
  CHECK(config.database.reconnect_initial_s == 1);
  CHECK(config.database.reconnect_max_s == 30);
  CHECK(config.filters.empty());
  CHECK(config.processors.at(0).filters.empty());
  CHECK(config.processors.at(0).error_handlers.empty());
  CHECK_FALSE(config.processors.at(0).timeout_s.has_value());
}

TEST_CASE("pipeline config reads a processor's timeout_s and refuses a bad one, naming the path", "[pipeline_config]") {
  const PipelineConfig config = parse(kDatabase + kFilters + "processors: [{class: P, timeout_s: 2.5}, {class: Q, timeout_s: 0}]\n");
  CHECK(config.processors.at(0).timeout_s == 2.5);
  CHECK(config.processors.at(1).timeout_s == 0);
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: P}, {class: Q, timeout_s: -1}]\n"),
                    "my.yaml: processors[1].timeout_s: must be a number of seconds >= 0 (0: off), found '-1'");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: P, timeout_s: soon}]\n"),
                    Contains("my.yaml: processors[0].timeout_s: "));
}

TEST_CASE("pipeline config interpolates strings everywhere, config mappings included", "[pipeline_config]") {
  const PipelineConfig config = parse(R"(
database:
  connect_url: "postgresql://${DB_HOST}/app"
  slot_name: ${SLOT:-popyka}
  wal2json_options: {add-tables: "$TABLES"}
filters: []
processors:
  - class: "$PROCESSOR"
    config:
      topic: "${TOPIC-changes}"
      nested:
        list: ["$DB_HOST", {deep: "x${DB_HOST}x"}]
)",
                                      {{"DB_HOST", "db"}, {"TABLES", "public.t"}, {"PROCESSOR", "my.Processor"}});
  CHECK(config.database.connect_url == "postgresql://db/app");
  CHECK(config.database.slot_name == "popyka");
  CHECK(config.database.wal2json_options.at(0).second == "public.t");
  const auto& processor = config.processors.at(0);
  CHECK(processor.class_name == "my.Processor");
  CHECK(processor.config.at("topic").as_string() == "changes");
  const Config& list = processor.config.at("nested").at("list");
  CHECK(list.items().at(0).as_string() == "db");
  CHECK(list.items().at(1).at("deep").as_string() == "xdbx");
  CHECK(list.items().at(1).at("deep").path() == "processors[0].config.nested.list[1].deep");
}

TEST_CASE("pipeline config leaves keys and non-string scalars as written", "[pipeline_config]") {
  const PipelineConfig config = parse(kDatabase + kFilters + R"(
processors:
  - class: P
    config: {"$KEY": "$KEY", count: 42, ratio: 1.5, on: true, nothing: null, tilde: ~, quoted: "null"}
)",
                                      {{"KEY", "value"}});
  const Config& c = config.processors.at(0).config;
  REQUIRE(c.contains("$KEY"));
  CHECK(c.at("$KEY").as_string() == "value");
  CHECK(c.at("count").as_int64() == 42);
  CHECK(c.at("ratio").as_double() == 1.5);
  CHECK(c.at("on").as_bool());
  CHECK(c.at("nothing").is_null());
  CHECK(c.at("tilde").is_null());
  CHECK(c.at("quoted").as_string() == "null");
}

TEST_CASE("pipeline config names the variable and the YAML path of an unset variable", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + R"(
processors:
  - class: P
    config:
      producer_config: {"bootstrap.servers": "${BROKERS}"}
)"),
                    "my.yaml: processors[0].config.producer_config.bootstrap.servers: environment variable BROKERS "
                    "is not set (set it or write ${BROKERS:-default})");
  CHECK_THROWS_WITH(parse("database: {connect_url: $DSN, slot_name: s}\n" + kFilters + kProcessors),
                    "my.yaml: database.connect_url: environment variable DSN is not set (set it or write "
                    "${DSN:-default})");
}

TEST_CASE("pipeline config refuses unknown keys, naming the path and the keys it expects", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + kProcessors + "extra: 1\n"),
                    "my.yaml: extra: unknown key (expected one of: database, filters, processors, metrics)");
  CHECK_THROWS_WITH(parse("database: {connect_url: x, slot_name: s, slot: t}\n" + kFilters + kProcessors),
                    "my.yaml: database.slot: unknown key (expected one of: connect_url, slot_name, wal2json_options, "
                    "status_interval_s, reconnect_initial_s, reconnect_max_s, snapshot, snapshot_tables, snapshot_chunk_size, signal_table, "
                    "snapshot_parallelism, heartbeat_interval_s, output_plugin, publication, slot_busy_wait_s, standby, "
                    "application_name, unchanged_toast, heartbeat_connect_url, failover, streaming, spool_directory, "
                    "spool_memory_mb, spool_disk_mb)");
  CHECK_THROWS_WITH(parse(kDatabase + "filters: [{class: F, confg: {}}]\n" + kProcessors),
                    "my.yaml: filters[0].confg: unknown key (expected one of: class, config)");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: P}, {class: Q, filterz: []}]\n"),
                    "my.yaml: processors[1].filterz: unknown key (expected one of: class, config, filters, "
                    "error_handlers, timeout_s)");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: P, error_handlers: [{class: H, filters: []}]}]\n"),
                    "my.yaml: processors[0].error_handlers[0].filters: unknown key (expected one of: class, config)");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: P, filters: [{class: F, x: 1}]}]\n"),
                    "my.yaml: processors[0].filters[0].x: unknown key (expected one of: class, config)");
}

TEST_CASE("pipeline config accepts any key inside config and wal2json_options", "[pipeline_config]") {
  const PipelineConfig config =
      parse("database: {connect_url: x, slot_name: s, wal2json_options: {anything-goes: 1}}\n" + kFilters +
            "processors: [{class: P, config: {whatever: {deeply: [nested]}}}]\n");
  CHECK(config.database.wal2json_options.at(0).first == "anything-goes");
  CHECK(config.processors.at(0).config.contains("whatever"));
}

TEST_CASE("pipeline config requires database, filters and processors", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse(kFilters + kProcessors), "my.yaml: database: required key is missing");
  CHECK_THROWS_WITH(parse(kDatabase + kProcessors), "my.yaml: filters: required key is missing");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters), "my.yaml: processors: required key is missing");
  CHECK_THROWS_WITH(parse("database: {slot_name: s}\n" + kFilters + kProcessors),
                    "my.yaml: database.connect_url: required key is missing");
  CHECK_THROWS_WITH(parse("database: {connect_url: x}\n" + kFilters + kProcessors),
                    "my.yaml: database.slot_name: required key is missing");
}

TEST_CASE("pipeline config refuses to run without any processor", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: []\n"),
                    "my.yaml: processors: must not be empty (popyka refuses to run without any processor)");
}

TEST_CASE("pipeline config requires a non-blank class in every component entry", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{config: {}}]\n"),
                    "my.yaml: processors[0].class: required key is missing");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: '  '}]\n"),
                    "my.yaml: processors[0].class: must not be blank");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: [a]}]\n"),
                    "my.yaml: processors[0].class: expected a string");
  CHECK_THROWS_WITH(parse(kDatabase + "filters: [{class: F}, {class: ''}]\n" + kProcessors),
                    "my.yaml: filters[1].class: must not be blank");
  // An empty value can come from the environment too.
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: '$CLS'}]\n", {{"CLS", ""}}),
                    "my.yaml: processors[0].class: must not be blank");
}

TEST_CASE("pipeline config names the path and the expected type of a wrong value", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse("database: [x]\n" + kFilters + kProcessors),
                    "my.yaml: database: expected a mapping with the keys connect_url, slot_name, wal2json_options, "
                    "status_interval_s, reconnect_initial_s, reconnect_max_s, snapshot, snapshot_tables, snapshot_chunk_size, signal_table, "
                    "snapshot_parallelism, heartbeat_interval_s, output_plugin, publication, slot_busy_wait_s, standby, "
                    "application_name, unchanged_toast, heartbeat_connect_url, failover, streaming, spool_directory, "
                    "spool_memory_mb, spool_disk_mb");
  CHECK_THROWS_WITH(parse(kDatabase + "filters: {class: F}\n" + kProcessors), "my.yaml: filters: expected a list");
  CHECK_THROWS_WITH(parse(kDatabase + "filters:\n" + kProcessors), "my.yaml: filters: expected a list");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: P\n"), "my.yaml: processors: expected a list");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [P]\n"),
                    "my.yaml: processors[0]: expected a mapping with the keys class, config, filters, error_handlers, timeout_s");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: P, config: [a]}]\n"),
                    "my.yaml: processors[0].config: expected a mapping");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: P, config: text}]\n"),
                    "my.yaml: processors[0].config: expected a mapping");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: P, error_handlers: {class: H}}]\n"),
                    "my.yaml: processors[0].error_handlers: expected a list");
  CHECK_THROWS_WITH(parse("database: {connect_url: {a: b}, slot_name: s}\n" + kFilters + kProcessors),
                    "my.yaml: database.connect_url: expected a string");
}

TEST_CASE("pipeline config checks wal2json_options", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse("database: {connect_url: x, slot_name: s, wal2json_options: [a]}\n" + kFilters + kProcessors),
                    "my.yaml: database.wal2json_options: expected a mapping of wal2json option names to values");
  CHECK_THROWS_WITH(
      parse("database: {connect_url: x, slot_name: s, wal2json_options: {add-tables: [a, b]}}\n" + kFilters +
            kProcessors),
      "my.yaml: database.wal2json_options.add-tables: expected a single value (wal2json options are strings, numbers "
      "or booleans)");
}

TEST_CASE("pipeline config checks the database timings", "[pipeline_config]") {
  const auto with = [](const std::string& timing) {
    return parse("database: {connect_url: x, slot_name: s, " + timing + "}\n" + kFilters + kProcessors);
  };
  CHECK_THROWS_WITH(with("status_interval_s: 0"),
                    "my.yaml: database.status_interval_s: must be a number of seconds > 0, found '0'");
  CHECK_THROWS_WITH(with("reconnect_initial_s: -1"),
                    "my.yaml: database.reconnect_initial_s: must be a number of seconds > 0, found '-1'");
  CHECK_THROWS_WITH(with("reconnect_max_s: soon"),
                    "my.yaml: database.reconnect_max_s: expected a number, found 'soon'");
  CHECK_THROWS_WITH(with("status_interval_s: inf"), Contains("database.status_interval_s: must be a number"));
  CHECK_THROWS_WITH(with("reconnect_initial_s: 10, reconnect_max_s: 5"),
                    "my.yaml: database: reconnect_max_s (5) must not be less than reconnect_initial_s (10)");
}

TEST_CASE("pipeline config checks the slot name before connecting", "[pipeline_config]") {
  // Also what would inject into the replication commands the slot name is written into.
  for (const std::string& slot : std::vector<std::string>{"My-Slot", "''", "a b", std::string(64, 'a'),
                                                          "'x; DROP_REPLICATION_SLOT other'", "'popyka\" LOGICAL x'",
                                                          "'sl\u00f6t'"}) {
    INFO(slot);
    CHECK_THROWS_WITH(parse("database: {connect_url: x, slot_name: " + slot + "}\n" + kFilters + kProcessors),
                      Contains("my.yaml: database.slot_name: must be 1 to 63 lower-case letters, digits or "
                               "underscores"));
  }
  CHECK(parse("database: {connect_url: x, slot_name: " + std::string(63, 'a') + "}\n" + kFilters + kProcessors)
            .database.slot_name.size() == 63);
}

TEST_CASE("pipeline config accepts an empty connect_url, which means libpq's defaults", "[pipeline_config]") {
  CHECK(parse("database: {connect_url: '', slot_name: s}\n" + kFilters + kProcessors).database.connect_url.empty());
}

TEST_CASE("pipeline config reports a YAML syntax error on one line with file, line and column", "[pipeline_config]") {
  try {
    parse("database:\n  connect_url: [x,\nfilters: []\n");
    FAIL("no error");
  } catch (const ConfigFileError& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Contains("my.yaml: line 4, column 1: invalid YAML: "));  // the list runs to the end of the text
    CHECK(message.find('\n') == std::string::npos);
  }
  CHECK_THROWS_WITH(parse("a: b\n c: d\n"), Contains("my.yaml: line 2, column 3: invalid YAML: "));
}

TEST_CASE("pipeline config says clearly that a file is empty", "[pipeline_config]") {
  const std::string expected = "my.yaml: the file is empty (expected the keys database, filters, processors)";
  CHECK_THROWS_WITH(parse(""), expected);
  CHECK_THROWS_WITH(parse("# only a comment\n"), expected);
}

TEST_CASE("pipeline config needs a mapping at the top level", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse("- database\n"),
                    "my.yaml: expected a mapping with the keys database, filters, processors at the top level");
}

TEST_CASE("pipeline config refuses a repeated key", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + kProcessors + "filters: []\n"), "my.yaml: filters: duplicate key");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + "processors: [{class: P, config: {a: 1, a: 2}}]\n"),
                    "my.yaml: processors[0].config.a: duplicate key");
}

TEST_CASE("pipeline config reads metrics.listen and refuses other metrics keys", "[pipeline_config]") {
  CHECK(parse(kDatabase + kFilters + kProcessors).metrics_listen.empty());
  CHECK(parse(kDatabase + kFilters + kProcessors + "metrics: {listen: '127.0.0.1:${PORT}'}\n", {{"PORT", "9187"}}).metrics_listen ==
        "127.0.0.1:9187");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + kProcessors + "metrics: {port: 1}\n"),
                    "my.yaml: metrics.port: unknown key (expected one of: listen)");
  CHECK_THROWS_WITH(parse(kDatabase + kFilters + kProcessors + "metrics: {listen: ' '}\n"), Contains("metrics.listen: must not be blank"));
}

TEST_CASE("pipeline config reads snapshot, snapshot_tables and heartbeat_interval_s", "[pipeline_config]") {
  using Snapshot = popyka::config::DatabaseSpec::Snapshot;
  const auto with = [](const std::string& keys) {
    return parse("database: {connect_url: x, slot_name: s, " + keys + "}\n" + kFilters + kProcessors);
  };
  const auto defaults = parse(kDatabase + kFilters + kProcessors).database;
  CHECK(defaults.snapshot == Snapshot::never);
  CHECK(defaults.snapshot_tables.empty());
  CHECK(defaults.heartbeat_interval_s == 0);

  const auto full = with("snapshot: initial, snapshot_tables: [public.orders, 'sales.line.items'], heartbeat_interval_s: 2.5").database;
  CHECK(full.snapshot == Snapshot::initial);
  CHECK(full.snapshot_tables == std::vector<std::string>{"public.orders", "sales.line.items"});
  CHECK(full.heartbeat_interval_s == 2.5);
  CHECK(defaults.heartbeat_connect_url.empty());
  CHECK(with("heartbeat_interval_s: 5, heartbeat_connect_url: 'host=primary'").database.heartbeat_connect_url ==
        "host=primary");
  CHECK(with("snapshot: never, heartbeat_interval_s: 0").database.snapshot == Snapshot::never);
  CHECK(with("snapshot: initial, snapshot_tables: []").database.snapshot_tables.empty());
  CHECK(with("snapshot: '${SNAP:-initial}'").database.snapshot == Snapshot::initial);
  CHECK(with("snapshot: incremental, snapshot_tables: [public.orders]").database.snapshot == Snapshot::incremental);
}

TEST_CASE("pipeline config reads snapshot_chunk_size and signal_table", "[pipeline_config]") {
  const auto with = [](const std::string& keys) {
    return parse("database: {connect_url: x, slot_name: s, " + keys + "}\n" + kFilters + kProcessors).database;
  };
  const auto defaults = parse(kDatabase + kFilters + kProcessors).database;
  CHECK(defaults.snapshot_chunk_size == 1024);
  CHECK(defaults.signal_table.empty());
  CHECK(with("snapshot_chunk_size: 5000, signal_table: public.debezium_signal").snapshot_chunk_size == 5000);
  CHECK(with("signal_table: public.debezium_signal").signal_table == "public.debezium_signal");
  CHECK_THROWS_WITH(with("snapshot_chunk_size: 0"),
                    "my.yaml: database.snapshot_chunk_size: must be a whole number from 1 to 1000000 (rows a chunk), found '0'");
  CHECK_THROWS_WITH(with("signal_table: debezium_signal"),
                    "my.yaml: database.signal_table: expected schema.table (e.g. public.orders), found 'debezium_signal'");
}

TEST_CASE("pipeline config reads snapshot_parallelism, the number of cores by default", "[pipeline_config]") {
  const auto with = [](const std::string& keys) {
    return parse("database: {connect_url: x, slot_name: s, " + keys + "}\n" + kFilters + kProcessors).database;
  };
  CHECK(parse(kDatabase + kFilters + kProcessors).database.snapshot_parallelism ==
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));  // the number of cores
  CHECK(with("snapshot: initial, snapshot_parallelism: 1").snapshot_parallelism == 1);
  CHECK(with("snapshot: initial, snapshot_parallelism: 64").snapshot_parallelism == 64);
  CHECK_THROWS_WITH(with("snapshot: initial, snapshot_parallelism: 0"),
                    "my.yaml: database.snapshot_parallelism: must be a whole number from 1 to 64 (connections reading "
                    "the snapshot), found '0'");
  CHECK_THROWS_WITH(with("snapshot: initial, snapshot_parallelism: 65"),
                    Contains("database.snapshot_parallelism: must be a whole number from 1 to 64"));
  CHECK_THROWS_WITH(with("snapshot: initial, snapshot_parallelism: 2.5"),
                    "my.yaml: database.snapshot_parallelism: expected an integer, found '2.5'");
  CHECK_THROWS_WITH(with("snapshot_parallelism: 2"),
                    "my.yaml: database.snapshot_parallelism: only means something with snapshot: initial");
}

TEST_CASE("pipeline config checks snapshot, snapshot_tables and heartbeat_interval_s naming the path", "[pipeline_config]") {
  const auto with = [](const std::string& keys) {
    return parse("database: {connect_url: x, slot_name: s, " + keys + "}\n" + kFilters + kProcessors);
  };
  CHECK_THROWS_WITH(with("snapshot: always"), "my.yaml: database.snapshot: must be never, initial or incremental, found 'always'");
  CHECK_THROWS_WITH(with("snapshot: [initial]"), "my.yaml: database.snapshot: expected a string");
  CHECK_THROWS_WITH(with("snapshot: initial, snapshot_tables: public.orders"),
                    "my.yaml: database.snapshot_tables: expected a list of schema.table names");
  CHECK_THROWS_WITH(with("snapshot: initial, snapshot_tables: [public.orders, orders]"),
                    "my.yaml: database.snapshot_tables[1]: expected schema.table (e.g. public.orders), found 'orders'");
  CHECK_THROWS_WITH(with("snapshot: initial, snapshot_tables: [.orders]"),
                    Contains("database.snapshot_tables[0]: expected schema.table"));
  CHECK_THROWS_WITH(with("snapshot: initial, snapshot_tables: [public.]"),
                    Contains("database.snapshot_tables[0]: expected schema.table"));
  CHECK_THROWS_WITH(with("snapshot: initial, snapshot_tables: [a.b, a.b]"),
                    "my.yaml: database.snapshot_tables[1]: 'a.b' is listed twice");
  CHECK_THROWS_WITH(with("snapshot_tables: [a.b]"),
                    "my.yaml: database.snapshot_tables: only means something with snapshot: initial or incremental");
  CHECK_THROWS_WITH(with("heartbeat_interval_s: -1"),
                    "my.yaml: database.heartbeat_interval_s: must be a number of seconds >= 0 (0: off), found '-1'");
  CHECK_THROWS_WITH(with("heartbeat_interval_s: often"),
                    "my.yaml: database.heartbeat_interval_s: expected a number, found 'often'");
  CHECK_THROWS_WITH(with("heartbeat_interval_s: nan"), Contains("database.heartbeat_interval_s: must be a number of seconds >= 0"));
  CHECK_THROWS_WITH(with("heartbeat_connect_url: 'host=primary'"),
                    "my.yaml: database.heartbeat_connect_url: only means something with heartbeat_interval_s > 0");
}

TEST_CASE("pipeline config reads slot_busy_wait_s, standby, application_name and failover", "[pipeline_config]") {
  const auto with = [](const std::string& keys) {
    return parse("database: {connect_url: x, slot_name: s, " + keys + "}\n" + kFilters + kProcessors).database;
  };
  const auto defaults = parse(kDatabase + kFilters + kProcessors).database;
  CHECK(defaults.slot_busy_wait_s == 120);
  CHECK_FALSE(defaults.standby);
  CHECK(defaults.application_name == "popyka");
  const auto full = with("slot_busy_wait_s: 0, standby: true, application_name: popyka-b");
  CHECK(full.slot_busy_wait_s == 0);
  CHECK(full.standby);
  CHECK(full.application_name == "popyka-b");
  CHECK(with("slot_busy_wait_s: 2.5, standby: '${STANDBY:-no}'").slot_busy_wait_s == 2.5);
  CHECK_THROWS_WITH(with("slot_busy_wait_s: -1"),
                    "my.yaml: database.slot_busy_wait_s: must be a number of seconds >= 0 (0: off), found '-1'");
  CHECK_THROWS_WITH(with("standby: maybe"), "my.yaml: database.standby: expected true or false, found 'maybe'");
  CHECK_THROWS_WITH(with("application_name: ' '"), "my.yaml: database.application_name: must not be blank");
  CHECK_FALSE(defaults.failover);
  CHECK(with("failover: true").failover);
  CHECK_THROWS_WITH(with("failover: sometimes"), "my.yaml: database.failover: expected true or false, found 'sometimes'");
}

TEST_CASE("pipeline config reads unchanged_toast: omit by default, or from_identity", "[pipeline_config]") {
  using UnchangedToast = popyka::config::DatabaseSpec::UnchangedToast;
  const auto with = [](const std::string& keys) {
    return parse("database: {connect_url: x, slot_name: s, " + keys + "}\n" + kFilters + kProcessors).database;
  };
  CHECK(parse(kDatabase + kFilters + kProcessors).database.unchanged_toast == UnchangedToast::omit);
  CHECK(with("unchanged_toast: omit").unchanged_toast == UnchangedToast::omit);
  CHECK(with("unchanged_toast: from_identity").unchanged_toast == UnchangedToast::from_identity);
  CHECK(with("unchanged_toast: from_identity, output_plugin: pgoutput").unchanged_toast == UnchangedToast::from_identity);
  CHECK(with("unchanged_toast: '${TOAST:-from_identity}'").unchanged_toast == UnchangedToast::from_identity);
  CHECK_THROWS_WITH(with("unchanged_toast: placeholder"),
                    "my.yaml: database.unchanged_toast: must be omit or from_identity, found 'placeholder'");
  CHECK_THROWS_WITH(with("unchanged_toast: [omit]"), "my.yaml: database.unchanged_toast: expected a string");
}

TEST_CASE("pipeline config reads output_plugin and publication", "[pipeline_config]") {
  using popyka::config::DatabaseSpec;
  const auto defaults = parse(kDatabase + kFilters + kProcessors);
  CHECK(defaults.database.output_plugin == DatabaseSpec::OutputPlugin::wal2json);
  CHECK(defaults.database.publication == "popyka");

  const auto pgoutput = parse("database: {connect_url: x, slot_name: s, output_plugin: pgoutput}\n" + kFilters + kProcessors);
  CHECK(pgoutput.database.output_plugin == DatabaseSpec::OutputPlugin::pgoutput);
  CHECK(pgoutput.database.publication == "popyka");

  const auto named = parse("database: {connect_url: x, slot_name: s, output_plugin: '${PLUGIN}', publication: cdc_all_2}\n" +
                               kFilters + kProcessors,
                           {{"PLUGIN", "pgoutput"}});
  CHECK(named.database.output_plugin == DatabaseSpec::OutputPlugin::pgoutput);
  CHECK(named.database.publication == "cdc_all_2");

  const auto explicit_wal2json =
      parse("database: {connect_url: x, slot_name: s, output_plugin: wal2json, wal2json_options: {a: 1}}\n" + kFilters +
            kProcessors);
  CHECK(explicit_wal2json.database.output_plugin == DatabaseSpec::OutputPlugin::wal2json);
}

TEST_CASE("pipeline config reads streaming and the spool's keys, with pgoutput only", "[pipeline_config]") {
  const auto defaults = parse(kDatabase + kFilters + kProcessors);
  CHECK_FALSE(defaults.database.streaming);
  CHECK(defaults.database.spool_memory_mb == 64);
  CHECK(defaults.database.spool_disk_mb == 10240);
  const auto streaming = parse("database: {connect_url: x, slot_name: s, output_plugin: pgoutput, streaming: on, "
                               "spool_directory: /var/spool/popyka, spool_memory_mb: 0, spool_disk_mb: 5}\n" +
                               kFilters + kProcessors);
  CHECK(streaming.database.streaming);
  CHECK(streaming.database.spool_directory == "/var/spool/popyka");
  CHECK(streaming.database.spool_memory_mb == 0);
  CHECK(streaming.database.spool_disk_mb == 5);
  CHECK_THROWS_WITH(parse("database: {connect_url: x, slot_name: s, streaming: on}\n" + kFilters + kProcessors),
                    "my.yaml: database.streaming: needs output_plugin: pgoutput (wal2json cannot stream a transaction "
                    "before its commit)");
  CHECK_THROWS_WITH(parse("database: {connect_url: x, slot_name: s, output_plugin: pgoutput, spool_disk_mb: 5}\n" +
                          kFilters + kProcessors),
                    "my.yaml: database.spool_disk_mb: only means something with streaming: on");
  CHECK_THROWS_WITH(parse("database: {connect_url: x, slot_name: s, output_plugin: pgoutput, streaming: on, "
                          "spool_disk_mb: 0}\n" + kFilters + kProcessors),
                    "my.yaml: database.spool_disk_mb: must be a whole number of megabytes >= 1, found '0'");
}

TEST_CASE("pipeline config checks output_plugin and publication", "[pipeline_config]") {
  CHECK_THROWS_WITH(parse("database: {connect_url: x, slot_name: s, output_plugin: test_decoding}\n" + kFilters + kProcessors),
                    "my.yaml: database.output_plugin: must be wal2json or pgoutput, found 'test_decoding'");
  CHECK_THROWS_WITH(parse("database: {connect_url: x, slot_name: s, publication: p}\n" + kFilters + kProcessors),
                    "my.yaml: database.publication: only means something with output_plugin: pgoutput");
  for (const char* bad : {"'Pub'", "'1pub'", "'pub-lic'", "'pub lic'", "'x\"; DROP TABLE t; --'", "''"}) {
    INFO(bad);
    CHECK_THROWS_WITH(parse(std::string("database: {connect_url: x, slot_name: s, output_plugin: pgoutput, publication: ") +
                                bad + "}\n" + kFilters + kProcessors),
                      Contains("my.yaml: database.publication: must be 1 to 63 lower-case letters, digits or underscores"));
  }
  CHECK_THROWS_WITH(parse("database: {connect_url: x, slot_name: s, output_plugin: pgoutput, publication: " +
                          std::string(64, 'p') + "}\n" + kFilters + kProcessors),
                    Contains("database.publication: must be 1 to 63"));
  CHECK_THROWS_WITH(
      parse("database: {connect_url: x, slot_name: s, output_plugin: pgoutput, wal2json_options: {a: 1}}\n" + kFilters +
            kProcessors),
      "my.yaml: database.wal2json_options: only means something with output_plugin: wal2json (the default)");
}
