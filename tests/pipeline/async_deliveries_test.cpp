#include <catch2/catch.hpp>

#include <string>

#include "pipeline/async_deliveries.hpp"

using popyka::pipeline::AsyncDeliveries;
using popyka::pipeline::PendingDelivery;
using popyka::pipeline::ProgressTracker;

TEST_CASE("a deferred change keeps exactly its own message, in a buffer an earlier delivery left") {
  ProgressTracker progress;
  AsyncDeliveries deliveries(progress);
  auto defer = [&](popyka::sdk::Lsn lsn, const std::string& json) {
    const auto sequence = progress.begin(lsn);
    const auto ticket = deliveries.defer(PendingDelivery{sequence, 0, deliveries.copy_of(json), lsn, 0, 1, {}});
    progress.release(sequence);  // the synchronous pass is over
    return ticket;
  };
  const std::string longer(5000, 'x');
  for (popyka::sdk::Lsn lsn = 1; lsn <= 3; ++lsn) deliveries.delivered(defer(lsn, longer + std::to_string(lsn)));
  CHECK(progress.confirmable() == 3);
  // The next ones reuse those buffers, bigger than they need.
  const auto short_one = defer(4, R"({"action":"I"})");
  const auto other = defer(5, "");
  deliveries.failed(short_one, "broker down");
  deliveries.failed(other, "broker down");
  const auto failures = deliveries.take_failures();
  REQUIRE(failures.size() == 2);
  CHECK(failures[0].delivery.json == R"({"action":"I"})");
  CHECK(failures[1].delivery.json.empty());
  CHECK(progress.confirmable() == 3);  // failed deliveries still hold their changes
}

namespace {

// Whether copy_of() gives a message of `next_size` bytes the buffer a delivered one of
// `first_size` bytes left, without reallocating it.
bool buffer_reused(std::size_t first_size, std::size_t next_size) {
  ProgressTracker progress;
  AsyncDeliveries deliveries(progress);
  std::string first = deliveries.copy_of(std::string(first_size, 'a'));
  const char* const buffer = first.data();
  const auto sequence = progress.begin(1);
  deliveries.delivered(deliveries.defer(PendingDelivery{sequence, 0, std::move(first), 1, 0, 1, {}}));
  progress.release(sequence);
  const std::string next = deliveries.copy_of(std::string(next_size, 'b'));
  return next == std::string(next_size, 'b') && next.data() == buffer;
}

}  // namespace

TEST_CASE("a delivered change's buffer is reused for a slightly longer message, without reallocating") {
  // Rows of one table differ by a few bytes: the next, 10 bytes longer, fits the same buffer.
  CHECK(buffer_reused(300, 310));
}

TEST_CASE("a small delivered change's buffer is reused too") {
  // A small row change, say one integer column: ~120 bytes of JSON.
  CHECK(buffer_reused(120, 125));
}
