// pgoutput's decoder alone (core/decode/pgoutput_decoder.hpp) over inserts into a 10-column
// orders table (the end-to-end benchmark's), one Relation message first: a change's fields only
// (what a filter reads), with its wal2json text (json(), what the Kafka and log processors read),
// and with that text parsed again by the wal2json decoder (what decoding cost before pgoutput's
// changes were handed on decoded: text written, then parsed). Run:
//   build-bench/bin/popyka-bench-pgoutput --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "counting_new.hpp"
#include "decode/pgoutput_decoder.hpp"
#include "decode/wal2json_decoder.hpp"

namespace {

using popyka::decode::DecodedChange;
using namespace popyka::decode::pgoutput;

// A message, field by field, big-endian.
class Message {
 public:
  explicit Message(char type) { bytes_ += type; }
  Message& u8(int v) { bytes_ += static_cast<char>(v); return *this; }
  Message& i16(int v) { return be(static_cast<std::uint16_t>(v), 2); }
  Message& i32(std::int64_t v) { return be(static_cast<std::uint32_t>(v), 4); }
  Message& i64(std::int64_t v) { return be(static_cast<std::uint64_t>(v), 8); }
  Message& str(const std::string& s) { bytes_ += s; bytes_ += '\0'; return *this; }
  Message& text(const std::string& s) { u8('t'); i32(static_cast<std::int64_t>(s.size())); bytes_ += s; return *this; }
  std::string bytes() const { return bytes_; }

 private:
  Message& be(std::uint64_t v, int size) {
    for (int i = size - 1; i >= 0; --i) bytes_ += static_cast<char>((v >> (8 * i)) & 0xff);
    return *this;
  }
  std::string bytes_;
};

constexpr const char* kNames[] = {"id", "customer_id", "status", "amount", "quantity", "paid", "tags", "details", "note", "created_at"};
constexpr std::uint32_t kOids[] = {20, 20, 1043, 1700, 23, 16, 1009, 3802, 25, 1184};
constexpr const char* kTypes[] = {"bigint", "bigint", "character varying(20)", "numeric(10,2)", "integer", "boolean", "text[]",
                                  "jsonb", "text", "timestamp with time zone"};

class OrdersCatalog final : public Catalog {
 public:
  Description describe(std::uint32_t, const std::vector<RelationColumn>& columns, bool) override {
    Description description;
    for (std::size_t i = 0; i < columns.size(); ++i) description.type_names.emplace_back(kTypes[i]);
    return description;
  }
  std::int32_t utc_offset(std::int64_t) override { return 0; }
};

// B, the Relation message, then 500 inserts (cache-resident, as in decode_bench.cpp).
std::vector<std::string> orders_inserts() {
  std::vector<std::string> messages{Message('B').i64(0).i64(757'000'000'000'000).i32(1).bytes()};
  Message relation('R');
  relation.i32(1).str("public").str("orders").u8('d').i16(10);
  for (int i = 0; i < 10; ++i) relation.u8(i == 0 ? 1 : 0).str(kNames[i]).i32(kOids[i]).i32(-1);
  messages.push_back(relation.bytes());
  for (int i = 0; i < 500; ++i) {
    Message insert('I');
    insert.i32(1).u8('N').i16(10).text(std::to_string(1000 + i)).text(std::to_string(100000 + i % 50000)).text("new")
        .text("123.45").text("7").text("f").text("{gift,express}").text(R"({"items": 7, "coupon": "C42", "channel": "web"})")
        .text(i % 3 ? "customer asked for delivery after 5 pm, call first" : "x").text("2026-12-06 23:10:30.123456+00");
    messages.push_back(insert.bytes());
  }
  return messages;
}

enum class Reads { fields, json, json_parsed_again };

void run(benchmark::State& state, Reads reads) {
  static const std::vector<std::string> messages = orders_inserts();
  OrdersCatalog catalog;
  Decoder decoder(catalog);
  popyka::decode::Wal2JsonDecoder wal2json;
  decoder.decode(messages[0], 1);
  decoder.decode(messages[1], 1);
  auto decode = [&](const std::string& message) {
    for (const DecodedChange* change : decoder.decode(message, 1)) {
      benchmark::DoNotOptimize(change->columns().data());
      if (reads == Reads::fields) continue;
      const std::string_view json = change->json();
      benchmark::DoNotOptimize(json.data());
      if (reads == Reads::json_parsed_again) benchmark::DoNotOptimize(&wal2json.decode(json, 1));
    }
  };
  for (std::size_t i = 2; i < messages.size(); ++i) decode(messages[i]);  // warm
  std::size_t at = 2;
  const auto allocations_before = popyka::bench::allocation_count();
  for (auto _ : state) {
    decode(messages[at]);
    if (++at == messages.size()) at = 2;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs/change"] =
      static_cast<double>(popyka::bench::allocation_count() - allocations_before) / static_cast<double>(state.iterations());
}

void BM_PgoutputFields(benchmark::State& state) { run(state, Reads::fields); }
void BM_PgoutputFieldsAndJson(benchmark::State& state) { run(state, Reads::json); }
void BM_PgoutputJsonParsedAgain(benchmark::State& state) { run(state, Reads::json_parsed_again); }
BENCHMARK(BM_PgoutputFields);
BENCHMARK(BM_PgoutputFieldsAndJson);
BENCHMARK(BM_PgoutputJsonParsedAgain);

}  // namespace

BENCHMARK_MAIN();
