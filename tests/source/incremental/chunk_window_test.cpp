// The incremental snapshot's window: a streamed change to a key of the chunk removes that key's
// row (new and old keys, deletes, truncates); the rest goes on as incremental R rows, in key order.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "decode/row_format.hpp"
#include "decode/wal2json_decoder.hpp"
#include "source/replication/incremental/chunk_window.hpp"

using namespace popyka;
using source::replication::incremental::ChunkWindow;

namespace {

constexpr std::uint32_t int4_oid = 23, text_oid = 25;

decode::RowFormat orders_format() {
  return decode::RowFormat("public", "orders",
                           {{"region", "text", text_oid, true}, {"id", "integer", int4_oid, true},
                            {"note", "text", text_oid, false}},
                           true);
}

// Records the rows handed on: their text, LSN and whether they say they are incremental.
struct Rows : source::ChangeConsumer {
  std::vector<std::string> texts;
  std::vector<sdk::Lsn> lsns;
  bool all_incremental = true;
  void consume(std::string_view json, sdk::Lsn lsn) override {
    texts.emplace_back(json);
    lsns.push_back(lsn);
    all_incremental = false;
  }
  void consume_decoded(decode::DecodedChange& change, std::size_t) override {
    texts.emplace_back(change.json());
    lsns.push_back(change.lsn());
    all_incremental = all_incremental && change.action() == sdk::Action::Read &&
                      change.snapshot_origin() == decode::DecodedChange::SnapshotOrigin::incremental;
  }
  void poll(std::chrono::milliseconds) override {}
  sdk::Lsn checkpoint() override { return 0; }
  bool has_pending() const override { return false; }
};

// A chunk of rows (eu,1) (eu,2) (eu,3) (us,1), read and open.
ChunkWindow read_chunk(const decode::RowFormat& format) {
  // The key in key order: (region, id), as the chunk reader asks for it.
  ChunkWindow window(format, "public", "orders", {"region", "id"});
  for (const char* row : {"eu\t1\ta", "eu\t2\tb", "eu\t3\tc", "us\t1\td"}) window.append(row);
  window.finish_reading();
  return window;
}

void stream(ChunkWindow& window, const std::string& wal2json) {
  decode::Wal2JsonDecoder decoder;
  window.on_change(decoder.decode(wal2json, 10));
}

std::string notes(const Rows& rows) {
  std::string out;
  for (const auto& text : rows.texts) out += text.substr(text.find(R"("name":"note")") + 37, 1);
  return out;
}

}  // namespace

TEST_CASE("chunk window: rows without a streamed change go on as incremental R rows at the high watermark",
          "[incremental]") {
  const auto format = orders_format();
  auto window = read_chunk(format);
  CHECK(window.rows_read() == 4);
  CHECK(window.last_key() == R"(["us",1])");
  Rows rows;
  CHECK(window.release(77, rows) == 4);
  CHECK(rows.all_incremental);
  CHECK(rows.lsns == std::vector<sdk::Lsn>(4, 77));
  CHECK(rows.texts[0] ==
        R"({"action":"R","schema":"public","table":"orders","columns":[{"name":"region","type":"text","value":"eu"},)"
        R"({"name":"id","type":"integer","value":1},{"name":"note","type":"text","value":"a"}],)"
        R"("pk":[{"name":"region","type":"text"},{"name":"id","type":"integer"}]})");
  CHECK(window.rows_left() == 0);
}

TEST_CASE("chunk window: an insert, update or delete of a key removes its row, other keys and tables stay",
          "[incremental]") {
  const auto format = orders_format();
  auto window = read_chunk(format);
  // An update with its old key in identity (the key unchanged).
  stream(window, R"({"action":"U","schema":"public","table":"orders","columns":[{"name":"region","type":"text","value":"eu"},)"
                 R"({"name":"id","type":"integer","value":2},{"name":"note","type":"text","value":"B"}],)"
                 R"("identity":[{"name":"region","type":"text","value":"eu"},{"name":"id","type":"integer","value":2}]})");
  // A delete: only its identity.
  stream(window, R"({"action":"D","schema":"public","table":"orders",)"
                 R"("identity":[{"name":"region","type":"text","value":"us"},{"name":"id","type":"integer","value":1}]})");
  // Another table with the same key, and a key not in the chunk.
  stream(window, R"({"action":"I","schema":"public","table":"other","columns":[{"name":"region","type":"text","value":"eu"},)"
                 R"({"name":"id","type":"integer","value":1}]})");
  stream(window, R"({"action":"I","schema":"public","table":"orders","columns":[{"name":"region","type":"text","value":"eu"},)"
                 R"({"name":"id","type":"integer","value":9},{"name":"note","type":"text","value":"z"}]})");
  Rows rows;
  CHECK(window.release(5, rows) == 2);
  CHECK(notes(rows) == "ac");
}

TEST_CASE("chunk window: an update that changes the key removes the rows of its old and of its new key",
          "[incremental]") {
  const auto format = orders_format();
  auto window = read_chunk(format);
  stream(window, R"({"action":"U","schema":"public","table":"orders","columns":[{"name":"region","type":"text","value":"eu"},)"
                 R"({"name":"id","type":"integer","value":3},{"name":"note","type":"text","value":"x"}],)"
                 R"("identity":[{"name":"region","type":"text","value":"eu"},{"name":"id","type":"integer","value":1}]})");
  Rows rows;
  CHECK(window.release(5, rows) == 2);
  CHECK(notes(rows) == "bd");
}

TEST_CASE("chunk window: a truncate of the table removes every row", "[incremental]") {
  const auto format = orders_format();
  auto window = read_chunk(format);
  stream(window, R"({"action":"T","schema":"public","table":"orders"})");
  Rows rows;
  CHECK(window.release(5, rows) == 0);
}
