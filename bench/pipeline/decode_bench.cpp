// The decoder alone, built twice (see CMakeLists.txt): with the project's flags (simdjson's
// On-Demand then compiles for its `fallback` implementation) and with -march=haswell (AVX2,
// simdjson's `haswell`), to measure what the compile-time choice costs.
#include <benchmark/benchmark.h>

#include <cstdio>

#include <simdjson.h>

// The implementation simdjson's On-Demand front end is compiled for in this file (a macro).
#define POPYKA_BENCH_STR2(x) #x
#define POPYKA_BENCH_STR(x) POPYKA_BENCH_STR2(x)

#include "counting_new.hpp"
#include "decode/wal2json_decoder.hpp"
#include "workload.hpp"

namespace {

void BM_Decode(benchmark::State& state) {
  static const popyka::bench::Workload workload = popyka::bench::make_workload(500);  // cache-resident, see pipeline_bench.cpp
  popyka::decode::Wal2JsonDecoder decoder;
  const auto& messages = workload.messages;
  for (const auto& m : messages) decoder.decode(m.json, m.lsn);
  std::size_t at = 0, rows = 0;
  const auto allocations_before = popyka::bench::allocation_count();
  for (auto _ : state) {
    const auto& m = messages[at];
    benchmark::DoNotOptimize(&decoder.decode(m.json, m.lsn));
    rows += m.is_row_change;
    if (++at == messages.size()) at = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
  state.counters["allocs/change"] = static_cast<double>(popyka::bench::allocation_count() - allocations_before) / static_cast<double>(rows);
  state.SetLabel("ondemand=" POPYKA_BENCH_STR(SIMDJSON_BUILTIN_IMPLEMENTATION) ", stage1=" + simdjson::get_active_implementation()->name());
}
BENCHMARK(BM_Decode);

}  // namespace

BENCHMARK_MAIN();
