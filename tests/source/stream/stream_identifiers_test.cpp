// Names that reach SQL or JSON in odd shapes: quotes, spaces, unicode. They must stream as they
// are, and come out of the decoder unescaped.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "background_stream.hpp"
#include "decode/wal2json_decoder.hpp"

using namespace popyka;
using namespace popyka::test;

TEST_CASE("a schema, table and column named with quotes, spaces and unicode stream correctly") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec(R"(CREATE SCHEMA "sch""ema ü")");
  cluster.exec(R"(CREATE TABLE "sch""ema ü"."we""ird tåble ☃"(id int PRIMARY KEY, "col ""x"" \ ☃" text))");
  // Created by stream_changes() itself: the name goes through the slot checks and creation.
  cluster.exec(R"(INSERT INTO "sch""ema ü"."we""ird tåble ☃" VALUES (0, 'before the slot'))");

  RecordingConsumer consumer;
  {
    BackgroundStream stream(database_spec(cluster, "odd_names"), consumer);
    // Write once the slot streams: what is written before it exists is never streamed.
    for (int i = 0; i < 300 && cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'odd_names' AND active") != "1"; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cluster.exec(R"(INSERT INTO "sch""ema ü"."we""ird tåble ☃" VALUES (1, 'a "quoted" value'))");
    cluster.exec(end_of_stream_sql);
    REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);
  }

  decode::Wal2JsonDecoder decoder;
  int inserts = 0;
  for (const auto& message : consumer.received()) {
    const auto& change = decoder.decode(message.json, message.lsn);
    if (change.action() != sdk::Action::Insert) continue;
    ++inserts;
    CHECK(change.schema() == "sch\"ema ü");
    CHECK(change.table() == "we\"ird tåble ☃");
    REQUIRE(change.columns().size() == 2);
    CHECK(change.columns()[1].name == "col \"x\" \\ ☃");
    CHECK(change.columns()[1].value.as_string() == "a \"quoted\" value");
  }
  CHECK(inserts == 1);  // the row written before the slot existed is not streamed
}
