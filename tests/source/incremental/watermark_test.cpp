// The low watermark carries the whole state of a snapshot: what a restart resumes from.
#include <catch2/catch.hpp>

#include "source/replication/incremental/watermark.hpp"

using namespace popyka::source::replication::incremental;

TEST_CASE("watermark: a low watermark's state comes back exactly, keys as the stream wrote them", "[incremental]") {
  SnapshotState state;
  state.snapshot_id = "ad-hoc \"1\"";
  state.nonce = "0badc0ffee";
  state.chunk = 42;
  state.current = {"public.orders", "region = 'eu'"};
  state.last_key = R"(["eu\n",1.50,"x\"y"])";
  state.table_chunks = 41;
  state.table_rows = 41984;
  state.queue = {{"public.items", ""}, {"s.t", "a > 1"}};
  const auto low = parse_watermark(low_watermark(state));
  REQUIRE(low);
  CHECK_FALSE(low->high);
  CHECK(low->nonce == state.nonce);
  CHECK(low->chunk == 42);
  CHECK(low->state == state);

  state.last_key.reset();  // a table's start
  state.queue.clear();
  const auto start = parse_watermark(low_watermark(state));
  REQUIRE(start);
  CHECK(start->state == state);
}

TEST_CASE("watermark: a high watermark names its run and chunk, other content is no watermark", "[incremental]") {
  const auto high = parse_watermark(high_watermark("n1", 7));
  REQUIRE(high);
  CHECK(high->high);
  CHECK(high->nonce == "n1");
  CHECK(high->chunk == 7);
  CHECK_FALSE(parse_watermark("not json"));
  CHECK_FALSE(parse_watermark(R"({"kind":"low"})"));
}
