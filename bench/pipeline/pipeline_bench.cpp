// Pipeline micro-benchmark: wal2json v2 messages through popyka::pipeline::Pipeline (decode,
// global filters, processors), the way the replication stream hands them over, without a
// database. Reports row changes per second (items_per_second; B and C messages are consumed too
// but not counted as changes) and heap allocations per row change once warm.
//
//   build-bench/bin/popyka-bench-pipeline [--benchmark_repetitions=5 ...]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include <simdjson.h>

// The implementation simdjson's On-Demand front end is compiled for in this file (a macro).
#define POPYKA_BENCH_STR2(x) #x
#define POPYKA_BENCH_STR(x) POPYKA_BENCH_STR2(x)

#include "config/config_loader.hpp"
#include "config/runtime_settings.hpp"
#include "counting_new.hpp"
#include "decode/unchanged_toast_fill.hpp"
#include "decode/wal2json_decoder.hpp"
#include "pipeline/pipeline.hpp"
#include "plugin_loading/plugin_registry.hpp"
#include "workload.hpp"

namespace bench = popyka::bench;
namespace popyka_config = popyka::config;
using popyka::pipeline::Pipeline;

namespace {

// The workload, by its number of transactions. 500 transactions (about 6 MB) stay in the L3
// cache, as a message just received from the socket is; 3,000 (about 36 MB) do not, so each
// message is read from memory first (the cold case).
const bench::Workload& workload(std::size_t transactions) {
  static std::map<std::size_t, bench::Workload> made;
  auto found = made.find(transactions);
  if (found == made.end()) found = made.emplace(transactions, bench::make_workload(transactions)).first;
  return found->second;
}

const popyka::plugin_loading::PluginRegistry& registry() {
  static const popyka::plugin_loading::PluginRegistry r = [] {
    popyka::plugin_loading::PluginRegistry loaded;
    loaded.load({popyka::plugin_loading::builtin_plugin_dir(), POPYKA_BENCH_PLUGIN_DIR});
    return loaded;
  }();
  return r;
}

std::unique_ptr<Pipeline> make_pipeline(const std::string& filters_yaml, const std::string& processors_yaml,
                                        const std::string& database_options = "") {
  const std::string yaml = "database: {connect_url: 'dbname=bench', slot_name: bench" + database_options + "}\nfilters: " + filters_yaml +
                           "\nprocessors: " + processors_yaml + "\n";
  const popyka_config::Environment no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return std::make_unique<Pipeline>(popyka_config::parse_pipeline_config(yaml, "bench.yaml", no_env), registry(),
                                    popyka_config::RuntimeSettings{}, popyka::metrics::registry());
}

constexpr const char* kNoOp = "[{class: bench.processors.NoOp, config: {}}]";
constexpr const char* kIgnoreTx = "{class: popyka.builtin.filters.IgnoreTxFilter, config: {}}";
constexpr const char* kTableIgnore = "{class: popyka.builtin.filters.TableNameIgnoreFilter, config: {ignore_regex: 'audit_.*|.*_tmp'}}";

// Runs `one(message)` over the workload, one message per iteration, after a warm-up pass.
template <class One>
void run(benchmark::State& state, One&& one) {
  const auto& messages = workload(static_cast<std::size_t>(state.range(0))).messages;
  for (const auto& message : messages) one(message);  // warm: buffers and vectors at their size
  std::size_t at = 0, rows = 0, count = 0;
  const std::uint64_t allocations_before = bench::allocation_count();
  const std::uint64_t bytes_before = bench::allocated_bytes();
  for (auto _ : state) {
    const bench::Message& message = messages[at];
    one(message);
    rows += message.is_row_change;
    ++count;
    if (++at == messages.size()) at = 0;
  }
  const double allocations = static_cast<double>(bench::allocation_count() - allocations_before);
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
  state.counters["messages/s"] = benchmark::Counter(static_cast<double>(count), benchmark::Counter::kIsRate);
  state.counters["allocs/change"] = rows != 0 ? allocations / static_cast<double>(rows) : 0.0;
  state.counters["alloc_bytes/change"] = rows != 0 ? static_cast<double>(bench::allocated_bytes() - bytes_before) / static_cast<double>(rows) : 0.0;
}

void pipeline_benchmark(benchmark::State& state, const std::string& filters, const std::string& processors = kNoOp,
                        const std::string& database_options = "") {
  auto pipeline = make_pipeline(filters, processors, database_options);
  run(state, [&](const bench::Message& m) { pipeline->consume(m.json, m.lsn); });
}

// What the issue asks for: IgnoreTxFilter, TableNameIgnoreFilter, a processor that does nothing.
void BM_Pipeline_IgnoreTx_TableNameIgnore_NoOp(benchmark::State& state) {
  pipeline_benchmark(state, std::string("[") + kIgnoreTx + ", " + kTableIgnore + "]");
}
// Without the table filter: what decoding and the pipeline itself cost.
void BM_Pipeline_IgnoreTx_NoOp(benchmark::State& state) { pipeline_benchmark(state, std::string("[") + kIgnoreTx + "]"); }

// database.unchanged_toast: from_identity over the same workload, whose updates carry only the key
// as identity (no REPLICA IDENTITY FULL): what looking for columns to fill costs each update.
void BM_Pipeline_IgnoreTx_NoOp_UnchangedToastFromIdentity(benchmark::State& state) {
  pipeline_benchmark(state, std::string("[") + kIgnoreTx + "]", kNoOp, ", unchanged_toast: from_identity");
}

// One update under REPLICA IDENTITY FULL whose 4 kB TOASTed `note` was left out, decoded (range 0)
// or decoded and then filled from the old row, json() rewritten (range 1).
void BM_Decode_UnchangedToastFill(benchmark::State& state) {
  std::string columns, identity;
  for (int i = 0; i < 9; ++i) {
    const std::string column = R"({"name":"c)" + std::to_string(i) + R"(","type":"integer","value":)" + std::to_string(i) + "}";
    columns += (i > 0 ? "," : "") + column;
    identity += column + ",";
  }
  identity += R"({"name":"note","type":"text","value":")" + std::string(4096, 'n') + R"("})";
  const std::string message = R"({"action":"U","xid":7,"timestamp":"2024-05-01 10:00:00+00","schema":"public","table":"docs","columns":[)" +
                              columns + R"(],"identity":[)" + identity + R"(],"pk":[{"name":"c0","type":"integer"}]})";
  popyka::decode::Wal2JsonDecoder decoder;
  popyka::decode::UnchangedToastFill fill;
  const bool filling = state.range(0) != 0;
  auto one = [&] {
    decoder.decode(message, 1);
    if (filling && fill.fill(decoder.current()) != popyka::decode::UnchangedToastFill::Outcome::filled) state.SkipWithError("not filled");
  };
  one();  // warm: buffers at their size
  const std::uint64_t allocations_before = bench::allocation_count();
  for (auto _ : state) {
    one();
    benchmark::DoNotOptimize(decoder.current().json().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["allocs/change"] =
      static_cast<double>(bench::allocation_count() - allocations_before) / static_cast<double>(state.iterations());
}

// ProduceToKafkaProcessor's `format: debezium` without Kafka: the envelope and the type mapping
// of each change (the workload's numeric, jsonb, text[] and timestamptz columns), plain and with
// JsonConverter's schemas.
void BM_Pipeline_IgnoreTx_DebeziumFormat(benchmark::State& state) {
  pipeline_benchmark(state, std::string("[") + kIgnoreTx + "]", "[{class: bench.processors.DebeziumFormat, config: {}}]");
}
void BM_Pipeline_IgnoreTx_DebeziumFormat_Schemas(benchmark::State& state) {
  pipeline_benchmark(state, std::string("[") + kIgnoreTx + "]", "[{class: bench.processors.DebeziumFormat, config: {schemas: true}}]");
}

// The decoder alone (simdjson On-Demand, every field), to split the pipeline's cost.
void BM_Decode(benchmark::State& state) {
  popyka::decode::Wal2JsonDecoder decoder;
  run(state, [&](const bench::Message& m) { benchmark::DoNotOptimize(&decoder.decode(m.json, m.lsn)); });
}

// Copying the message into a padded buffer: the floor under any decoding.
void BM_CopyOnly(benchmark::State& state) {
  std::string buffer;
  run(state, [&](const bench::Message& m) {
    buffer.assign(m.json);
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
  });
}

constexpr std::int64_t kHot = 500, kCold = 3000;
BENCHMARK(BM_Pipeline_IgnoreTx_TableNameIgnore_NoOp)->ArgName("transactions")->Arg(kHot)->Arg(kCold);
BENCHMARK(BM_Pipeline_IgnoreTx_NoOp)->ArgName("transactions")->Arg(kHot);
BENCHMARK(BM_Pipeline_IgnoreTx_NoOp_UnchangedToastFromIdentity)->ArgName("transactions")->Arg(kHot);
BENCHMARK(BM_Decode_UnchangedToastFill)->ArgName("fill")->Arg(0)->Arg(1);
BENCHMARK(BM_Pipeline_IgnoreTx_DebeziumFormat)->ArgName("transactions")->Arg(kHot);
BENCHMARK(BM_Pipeline_IgnoreTx_DebeziumFormat_Schemas)->ArgName("transactions")->Arg(kHot);
BENCHMARK(BM_Decode)->ArgName("transactions")->Arg(kHot)->Arg(kCold);
BENCHMARK(BM_CopyOnly)->ArgName("transactions")->Arg(kHot)->Arg(kCold);

}  // namespace

int main(int argc, char** argv) {
  for (std::size_t transactions : {500, 3000}) {
    const auto& w = workload(transactions);
    std::printf("workload of %zu transactions: %zu messages, %zu row changes, %.1f MB, %.0f bytes/message\n", transactions, w.messages.size(), w.row_changes,
              static_cast<double>(w.bytes) / 1e6, static_cast<double>(w.bytes) / static_cast<double>(w.messages.size()));
  }
  std::printf("simdjson %d.%d.%d: On-Demand front end compiled for '%s'; stage 1 (indexing) and string unescaping dispatched at run time to '%s'\n", int(simdjson::SIMDJSON_VERSION_MAJOR), int(simdjson::SIMDJSON_VERSION_MINOR), int(simdjson::SIMDJSON_VERSION_REVISION),
              POPYKA_BENCH_STR(SIMDJSON_BUILTIN_IMPLEMENTATION), simdjson::get_active_implementation()->name().c_str());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
