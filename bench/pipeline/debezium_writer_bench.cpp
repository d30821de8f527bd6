// The Debezium event writer alone (EventWriter, `format: debezium`), over the pipeline
// benchmark's workload decoded once per pass, without the pipeline or a timer:
//
//   popyka-bench-debezium-writer plain|schemas
//       four passes (the first warms); under `valgrind --tool=callgrind`, EventWriter::write's
//       inclusive instructions divided by the row changes printed: a count the machine's load
//       does not change, to compare two builds of the writer.
//   popyka-bench-debezium-writer dump [file.jsonl ...]
//       every record the writer makes of the workload and of each wal2json message in the files
//       (tests/data/*.jsonl; debezium_writer_cases.jsonl here: a table's columns and key changing,
//       key updates, TOAST, times near 1970), under several settings and fixed clocks: to compare
//       two builds' output byte for byte.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "debezium/event_writer.hpp"
#include "decode/wal2json_decoder.hpp"
#include "workload.hpp"

namespace dbz = popyka::kafka::debezium;
namespace sdk = popyka::sdk;

namespace {

std::int64_t clock_now = 0, clock_step = 0;
std::int64_t fake_now() { return clock_now += clock_step; }

dbz::DebeziumSettings bench_settings() {
  dbz::DebeziumSettings s;
  s.topic_prefix = "bench";
  s.database_name = "bench";
  return s;
}

int count(bool schemas) {
  const auto workload = popyka::bench::make_workload(500);
  auto settings = bench_settings();
  settings.schemas = schemas;
  dbz::EventWriter writer(settings);
  popyka::decode::Wal2JsonDecoder decoder;
  std::size_t bytes = 0;
  for (int pass = 0; pass < 4; ++pass)
    for (const auto& m : workload.messages)
      for (const dbz::Record& r : writer.write(decoder.decode(m.json, m.lsn))) bytes += r.key.size() + r.value.size();
  std::printf("%zu row changes (4 passes), %zu bytes\n", 4 * workload.row_changes, bytes);
  return 0;
}

int dump(std::span<char*> files) {
  std::vector<popyka::bench::Message> inputs = popyka::bench::make_workload(200).messages;
  sdk::Lsn lsn = 5000;
  for (const char* file : files) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) inputs.push_back({line, lsn += 77, true});
  }
  // Clocks that step (ts_ms/us/ns) and, with transaction metadata, one that does not (BEGIN and
  // END read it only when they need it).
  struct Variant {
    const char* name;
    std::int64_t start, step;
    void (*set)(dbz::DebeziumSettings&);
  };
  const Variant variants[] = {
      {"plain", 1700000000000123456, 987654321, [](dbz::DebeziumSettings&) {}},
      {"schemas", 1700000000000123456, 1, [](dbz::DebeziumSettings& s) { s.schemas = true; }},
      {"near 1970, truncates", -3000, 1001, [](dbz::DebeziumSettings& s) { s.skip_truncate = false; }},
      {"before 1970, Debezium 2.5", -2000000123456, 999999, [](dbz::DebeziumSettings& s) { s.release = {2, 5}; }},
      {"everything", 1700000000000000000, 0,
       [](dbz::DebeziumSettings& s) {
         s.schemas = s.transaction_metadata = true;
         s.skip_truncate = false;
         s.decimal_mode = dbz::DecimalMode::String;
         std::vector<sdk::Config::Entry> all;
         all.emplace_back("message_prefix_include_list", sdk::Config::scalar("config.message_prefix_include_list", ".*"));
         s.messages = dbz::MessagePrefixFilter::from(sdk::Config::map("config", std::move(all)));
       }},
      {"transactions, Debezium 2.5", 1700000000000000000, 0,
       [](dbz::DebeziumSettings& s) {
         s.transaction_metadata = true;
         s.release = {2, 5};
       }},
  };
  popyka::decode::Wal2JsonDecoder decoder;
  for (const Variant& v : variants) {
    auto settings = bench_settings();
    v.set(settings);
    clock_now = v.start;
    clock_step = v.step;
    dbz::EventWriter writer(settings, &fake_now);
    std::cout << "== " << v.name << "\n";
    for (const auto& m : inputs) {
      try {
        for (const dbz::Record& r : writer.write(decoder.decode(m.json, m.lsn)))
          std::cout << (r.destination == dbz::Destination::Change ? "C " : "T ") << (r.has_key ? r.key : "<no key>") << "\n  "
                    << (r.has_value ? r.value : "<tombstone>") << "\n  " << r.key_header << "=" << r.key_header_value << "\n";
      } catch (const std::exception& e) {
        std::cout << "error: " << e.what() << "\n";
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "plain" || mode == "schemas") return count(mode == "schemas");
  if (mode == "dump") return dump(std::span<char*>(argv + 2, argv + argc));
  std::fprintf(stderr, "usage: popyka-bench-debezium-writer plain|schemas|dump [file.jsonl ...]\n");
  return 2;
}
