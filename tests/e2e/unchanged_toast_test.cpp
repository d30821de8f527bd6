// database.unchanged_toast through the real popyka-host program (issue 19): values stored out of
// line (STORAGE EXTERNAL, over 2 kB) in text, jsonb and bytea columns, updated with and without
// touching them and set to NULL, streamed by four hosts at once (wal2json and pgoutput, each
// with `omit` and with `from_identity`) into the real popyka-mock-kafka, read back with a real
// consumer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>

#include <simdjson.h>

#include "e2e_support.hpp"
#include "mock_kafka_process.hpp"

using namespace popyka::test;
using namespace popyka::test::e2e;
using namespace std::chrono_literals;

namespace {

// 3200 characters (or bytes) of md5 digests from `seed` on: over the TOAST threshold, and with
// STORAGE EXTERNAL stored out of line, uncompressed.
std::string big_text(int seed) {
  return "(SELECT string_agg(md5((g + " + std::to_string(seed) + ")::text), '') FROM generate_series(1, 100) g)";
}
std::string big_bytea(int seed) {
  return "(SELECT decode(string_agg(md5((g + " + std::to_string(seed) + ")::text), ''), 'hex') FROM generate_series(1, 200) g)";
}

const std::vector<std::string> kSchema = {
    "CREATE TABLE toast_full (id int PRIMARY KEY, n int, body text, doc jsonb, blob bytea)",
    "ALTER TABLE toast_full ALTER body SET STORAGE EXTERNAL, ALTER doc SET STORAGE EXTERNAL, "
    "ALTER blob SET STORAGE EXTERNAL, REPLICA IDENTITY FULL",
    "CREATE TABLE toast_key (id int PRIMARY KEY, n int, body text)",
    "ALTER TABLE toast_key ALTER body SET STORAGE EXTERNAL",
};

// One transaction each, after every host streams.
const std::vector<std::string> kWorkload = {
    "INSERT INTO toast_full VALUES (1, 1, " + big_text(0) + ", jsonb_build_object('text', " + big_text(500) + "), " +
        big_bytea(900) + ")",
    "UPDATE toast_full SET n = 2 WHERE id = 1",              // another column: body, doc, blob unchanged
    "UPDATE toast_full SET body = " + big_text(2000) + " WHERE id = 1",  // the TOASTed column itself
    "UPDATE toast_full SET body = NULL, n = 3 WHERE id = 1",  // to NULL
    "UPDATE toast_full SET n = 4 WHERE id = 1",              // a NULL and two TOASTed values unchanged
    "DELETE FROM toast_full WHERE id = 1",                   // its identity: the row after the last update
    "INSERT INTO toast_key VALUES (1, 1, " + big_text(3000) + ")",
    "UPDATE toast_key SET n = 2 WHERE id = 1",
    "UPDATE toast_key SET n = 3 WHERE id = 1",
};
constexpr std::size_t kFullChanges = 6, kKeyChanges = 3;

struct Host {
  std::string plugin;  // output_plugin
  std::string mode;    // unchanged_toast
  std::string name() const { return plugin + "_" + mode; }
  std::string topic() const { return "toast." + name(); }
};
const std::vector<Host> kHosts = {{"wal2json", "omit"}, {"wal2json", "from_identity"}, {"pgoutput", "omit"}, {"pgoutput", "from_identity"}};

// A row change as Kafka got it: its columns and identity, each element minified.
struct ToastChange {
  std::string action, table;
  std::vector<std::string> columns, identity;
};

std::vector<std::string> elements(simdjson::dom::element object, const char* field) {
  std::vector<std::string> out;
  simdjson::dom::array array;
  if (object[field].get(array) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element e : array) out.push_back(simdjson::minify(e));
  return out;
}

std::vector<ToastChange> changes_of(const std::vector<Record>& records, std::string_view table) {
  simdjson::dom::parser parser;
  std::vector<ToastChange> out;
  for (const Record& record : records) {
    simdjson::dom::element root = parser.parse(record.value);
    ToastChange change{std::string(std::string_view(root["action"])), std::string(std::string_view(root["table"])),
                     elements(root, "columns"), elements(root, "identity")};
    if (change.table == table) out.push_back(std::move(change));
  }
  return out;
}

std::vector<std::string> names(const std::vector<std::string>& columns) {
  simdjson::dom::parser parser;
  std::vector<std::string> out;
  for (const std::string& column : columns) out.emplace_back(std::string_view(parser.parse(column)["name"]));
  return out;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

struct Streamed {
  std::vector<ToastChange> full, key;  // of toast_full and toast_key, in order
  std::string log;
};

}  // namespace

TEST_CASE("unchanged TOASTed values: from_identity fills them from the old row under REPLICA IDENTITY FULL with wal2json "
          "and pgoutput alike and omit leaves them out") {
  auto& cluster = PostgresCluster::shared();
  for (const auto& statement : kSchema) cluster.exec(statement);
  std::vector<std::string> topics;
  for (const Host& h : kHosts) topics.insert(topics.end(), {"--topic", h.topic() + ":1"});
  MockKafkaProcess kafka(topics);
  TempDir dir;

  // One after the other: pgoutput's first host creates the publication the second then uses.
  std::vector<std::unique_ptr<HostProcess>> processes;
  for (const Host& h : kHosts) {
    const auto config = dir.write(h.name() + ".yaml", database_yaml("e2e_toast_" + h.name(), h.plugin) +
                                                          "  unchanged_toast: " + h.mode +
                                                          "\nfilters:\n  - class: popyka.builtin.filters.IgnoreTxFilter\n"
                                                          "processors:\n" + kafka_processor_yaml(h.topic()));
    processes.push_back(std::make_unique<HostProcess>(dir / (h.name() + ".log"), host_env(config, cluster, kafka.bootstrap_servers())));
    const bool streaming = processes.back()->wait_for_log("streaming replication slot", 40s);
    INFO(processes.back()->log());
    REQUIRE(streaming);
  }
  for (const auto& statement : kWorkload) cluster.exec(statement);

  std::map<std::string, Streamed> streamed;
  for (std::size_t i = 0; i < kHosts.size(); ++i) {
    const auto records = consume(kafka.bootstrap_servers(), kHosts[i].topic(), kFullChanges + kKeyChanges, 60s);
    processes[i]->signal(SIGTERM);
    CHECK(processes[i]->wait_exit(10s) == 0);
    streamed[kHosts[i].name()] = {changes_of(records, "toast_full"), changes_of(records, "toast_key"), processes[i]->log()};
  }

  for (const Host& h : kHosts) {
    const Streamed& s = streamed[h.name()];
    INFO(h.name() << "\n" << s.log.substr(s.log.size() > 4000 ? s.log.size() - 4000 : 0));
    REQUIRE(s.full.size() == kFullChanges);
    REQUIRE(s.key.size() == kKeyChanges);
    CHECK(s.full[0].action == "I");
    CHECK(s.full[5].action == "D");
    const auto& inserted = s.full[0].columns;
    REQUIRE(inserted.size() == 5);
    CHECK(inserted[2].size() > 3200);  // the values really are big
    if (h.mode == "from_identity") {
      // Each update's columns are the whole new row: exactly what PostgreSQL logged as the old
      // row of the change after it (REPLICA IDENTITY FULL), name, type and value text.
      for (std::size_t k = 1; k + 1 < kFullChanges; ++k) {
        INFO("update " << k);
        CHECK(s.full[k].action == "U");
        CHECK(s.full[k].columns == s.full[k + 1].identity);
      }
      CHECK(s.full[0].columns == s.full[1].identity);
    } else {
      // Left out: the values PostgreSQL did not log again, so TOASTed out of line indeed.
      const std::vector<std::vector<std::string>> expected = {
          {"id", "n"}, {"id", "n", "body"}, {"id", "n", "body"}, {"id", "n", "body"}};
      for (std::size_t k = 1; k + 1 < kFullChanges; ++k) CHECK(names(s.full[k].columns) == expected[k - 1]);
      // What is there is what from_identity has too.
      const Streamed& filled = streamed[h.plugin + "_from_identity"];
      for (std::size_t k = 1; k + 1 < kFullChanges; ++k)
        for (const std::string& column : s.full[k].columns)
          CHECK(std::count(filled.full[k].columns.begin(), filled.full[k].columns.end(), column) == 1);
    }
    // Without REPLICA IDENTITY FULL there is nothing to fill from: body stays out, and under
    // from_identity one warning (for two updates) says what to run.
    CHECK(names(s.key[1].columns) == std::vector<std::string>{"id", "n"});
    CHECK(names(s.key[2].columns) == std::vector<std::string>{"id", "n"});
    CHECK(occurrences(s.log, R"(ALTER TABLE "public"."toast_key" REPLICA IDENTITY FULL)") == (h.mode == "from_identity" ? 1 : 0));
    CHECK(occurrences(s.log, "toast_full do not carry") == 0);
  }
  // The same rows whichever plugin decoded them.
  for (const std::string mode : {"omit", "from_identity"}) {
    INFO(mode);
    const Streamed& wal2json = streamed["wal2json_" + mode];
    const Streamed& pgoutput = streamed["pgoutput_" + mode];
    for (std::size_t k = 0; k < kFullChanges; ++k) {
      CHECK(wal2json.full[k].columns == pgoutput.full[k].columns);
      CHECK(wal2json.full[k].identity == pgoutput.full[k].identity);
    }
  }
}
