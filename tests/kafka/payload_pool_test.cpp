// PayloadPool: message values lent to librdkafka until their delivery reports, then reused.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "payload_pool.hpp"

using popyka::kafka::PayloadPool;

TEST_CASE("a lent payload holds the bytes and is reused once given back", "[kafka][payload_pool]") {
  PayloadPool pool;
  const std::string event(3000, 'e');  // a Debezium event with its schemas is several KiB
  char* first = pool.lend(event);
  CHECK(std::string_view(first, event.size()) == event);
  CHECK(pool.lent() == 1);

  char* while_lent = pool.lend("other");
  CHECK(while_lent != first);  // a lent buffer is never handed out twice
  pool.give_back(first);
  pool.give_back(while_lent);
  CHECK(pool.lent() == 0);

  // The next message of about the same size takes a spare buffer, not a new block.
  const std::string next(3100, 'n');
  char* again = pool.lend(next);
  CHECK((again == first || again == while_lent));
  CHECK(std::string_view(again, next.size()) == next);
  pool.give_back(again);
}

TEST_CASE("a payload larger than every spare gets a buffer of its own", "[kafka][payload_pool]") {
  PayloadPool pool;
  pool.give_back(pool.lend("small"));
  const std::string big(100'000, 'b');
  char* data = pool.lend(big);
  CHECK(std::string_view(data, big.size()) == big);
  pool.give_back(data);
  CHECK(pool.spare_bytes() >= big.size());
}

TEST_CASE("the pool keeps a bounded amount of spare buffers, the newest", "[kafka][payload_pool]") {
  PayloadPool pool;
  // Beyond kMaxKeptBytes a buffer is freed when given back, not kept.
  pool.give_back(pool.lend(std::string(PayloadPool::kMaxKeptBytes + 1, 'x')));
  CHECK(pool.spare_bytes() == 0);
  // Many lent at once (librdkafka's queue full of them): only kKeptBytes stay spare.
  const std::string row(PayloadPool::kMaxKeptBytes / 2, 'r');
  std::vector<char*> lent;
  for (std::size_t i = 0; i < 2 * PayloadPool::kKeptBytes / row.size(); ++i) lent.push_back(pool.lend(row));
  for (char* data : lent) pool.give_back(data);
  CHECK(pool.spare_bytes() <= PayloadPool::kKeptBytes);
  CHECK(pool.spare_bytes() >= PayloadPool::kKeptBytes / 2);
  CHECK(pool.lent() == 0);
  // The newest given back is the first reused.
  CHECK(pool.lend(row) == lent.back());
}

TEST_CASE("the pool frees the buffers never given back (librdkafka destroyed with messages queued)", "[kafka][payload_pool]") {
  // Under ASan (CI's second stage) a buffer left behind is a reported leak.
  PayloadPool pool;
  pool.lend("first");
  char* second = pool.lend("second");
  pool.lend("third");
  pool.give_back(second);  // from the middle of the lent ones
  CHECK(pool.lent() == 2);
}

TEST_CASE("a small payload does not take a much larger spare", "[kafka][payload_pool]") {
  PayloadPool pool;
  char* large = pool.lend(std::string(10'000, 'l'));
  pool.give_back(large);
  char* small = pool.lend("small");
  CHECK(small != large);  // queued small messages must not each hold 10 KB
  CHECK(pool.spare_bytes() >= 10'000);
  pool.give_back(small);
}

TEST_CASE("an empty payload is a buffer too, and giving back null does nothing", "[kafka][payload_pool]") {
  PayloadPool pool;
  char* empty = pool.lend("");
  CHECK(empty != nullptr);  // an empty value, not a tombstone (null)
  pool.give_back(nullptr);
  CHECK(pool.lent() == 1);
  pool.give_back(empty);
  CHECK(pool.lent() == 0);
}
