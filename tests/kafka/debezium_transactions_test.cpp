// `format: debezium` with transaction_metadata (Debezium's provide.transaction.metadata): BEGIN
// and END events for the transaction topic, keyed by the transaction id, and each event's
// `transaction` block, as Debezium's TransactionMetadataIT expects them from its PostgreSQL
// connector: id `<txid>:<lsn of the event>`, total_order and data_collection_order counting from
// 1, END's event_count and per-table counts of the events sent.
#include <catch2/catch.hpp>

#include "debezium_fixture.hpp"

using namespace popyka::test;
namespace dbz = popyka::kafka::debezium;

namespace {

constexpr const char* kTime = R"("timestamp":"2026-11-30 11:08:13.291342+01")";  // 1796033293291 ms

std::unique_ptr<TestChange> boundary(char action, int xid, popyka::sdk::Lsn lsn) {
  return change_from_wal2json(std::string(R"({"action":")") + action + R"(","xid":)" + std::to_string(xid) + "," + kTime + "}", lsn);
}

std::unique_ptr<TestChange> insert(int xid, const std::string& table, int id, popyka::sdk::Lsn lsn) {
  return change_from_wal2json(R"({"action":"I","xid":)" + std::to_string(xid) + "," + kTime + R"(,"schema":"s","table":")" + table +
                                  R"(","columns":[{"name":"id","type":"integer","value":)" + std::to_string(id) +
                                  R"(}],"pk":[{"name":"id","type":"integer"}]})",
                              lsn);
}

std::unique_ptr<TestChange> delete_of(int xid, const std::string& table, int id, popyka::sdk::Lsn lsn) {
  return change_from_wal2json(R"({"action":"D","xid":)" + std::to_string(xid) + "," + kTime + R"(,"schema":"s","table":")" + table +
                                  R"(","identity":[{"name":"id","type":"integer","value":)" + std::to_string(id) +
                                  R"(}],"pk":[{"name":"id","type":"integer"}]})",
                              lsn);
}

dbz::DebeziumSettings with_transactions() {
  auto settings = debezium_settings();
  settings.transaction_metadata = true;
  settings.messages = dbz::MessagePrefixFilter::from(config_of({{"message_prefix_include_list", "app"}}));
  return settings;
}

// The records of `changes`, in order.
std::vector<dbz::Record> write_all(dbz::EventWriter& writer, const std::vector<std::unique_ptr<TestChange>>& changes) {
  std::vector<dbz::Record> out;
  for (const auto& c : changes)
    for (const dbz::Record& r : writer.write(*c)) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("debezium: transaction_metadata: BEGIN, events with their order in the transaction, END with the counts per table",
          "[debezium][transactions]") {
  dbz::EventWriter writer(with_transactions(), &fixed_now_ns);
  std::vector<std::unique_ptr<TestChange>> changes;
  changes.push_back(boundary('B', 571, 1000));
  changes.push_back(insert(571, "a", 1, 1010));
  changes.push_back(insert(571, "b", 1, 1020));
  changes.push_back(delete_of(571, "a", 1, 1030));  // d and its tombstone: one event
  changes.push_back(change_from_wal2json(R"({"action":"M","xid":571,)" + std::string(kTime) +
                                             R"(,"transactional":true,"prefix":"app","content":"x"})",
                                         1040));
  changes.push_back(change_from_wal2json(R"({"action":"M","xid":571,)" + std::string(kTime) +
                                             R"(,"transactional":true,"prefix":"not-sent","content":"x"})",
                                         1045));
  changes.push_back(boundary('C', 571, 1050));
  const auto records = write_all(writer, changes);
  REQUIRE(records.size() == 7);  // BEGIN, c, c, d, tombstone, m, END

  const dbz::Record& begin = records[0];
  CHECK(begin.destination == dbz::Destination::Transaction);
  CHECK(begin.key == R"({"id":"571:1000"})");
  CHECK(Json(begin.value).at("") ==
        minified(R"({"status":"BEGIN","id":"571:1000","event_count":null,"data_collections":null,"ts_ms":1796033293291})"));

  const std::pair<std::size_t, const char*> blocks[] = {
      {1, R"({"id":"571:1010","total_order":1,"data_collection_order":1})"},
      {2, R"({"id":"571:1020","total_order":2,"data_collection_order":1})"},
      {3, R"({"id":"571:1030","total_order":3,"data_collection_order":2})"},
      {5, R"({"id":"571:1040","total_order":4,"data_collection_order":1})"},
  };
  for (const auto& [index, block] : blocks) {
    INFO("record " << index << ": " << records[index].value);
    CHECK(records[index].destination == dbz::Destination::Change);
    CHECK(Json(records[index].value).at("/transaction") == minified(block));
  }
  CHECK_FALSE(records[4].has_value);  // the tombstone: no block, not counted

  const dbz::Record& end = records[6];
  CHECK(end.destination == dbz::Destination::Transaction);
  CHECK(end.key == R"({"id":"571:1050"})");
  CHECK(Json(end.value).at("") ==
        minified(R"({"status":"END","id":"571:1050","event_count":4,"data_collections":[{"data_collection":"s.a","event_count":2},)"
                 R"({"data_collection":"s.b","event_count":1},{"data_collection":"LOGICAL_DECODING_MESSAGE","event_count":1}],)"
                 R"("ts_ms":1796033293291})"));

  // The next transaction counts from 1 again.
  std::vector<std::unique_ptr<TestChange>> next;
  next.push_back(boundary('B', 572, 2000));
  next.push_back(insert(572, "b", 2, 2010));
  next.push_back(boundary('C', 572, 2020));
  const auto again = write_all(writer, next);
  REQUIRE(again.size() == 3);
  CHECK(Json(again[1].value).at("/transaction") == minified(R"({"id":"572:2010","total_order":1,"data_collection_order":1})"));
  CHECK(Json(again[2].value).at("/event_count") == "1");
}

TEST_CASE("debezium: transaction_metadata counts only the events sent: skipped operations and unsent messages are not",
          "[debezium][transactions]") {
  auto settings = with_transactions();
  settings.skip_delete = true;
  dbz::EventWriter writer(settings, &fixed_now_ns);
  std::vector<std::unique_ptr<TestChange>> changes;
  changes.push_back(boundary('B', 9, 100));
  changes.push_back(delete_of(9, "a", 1, 110));
  changes.push_back(change_from_wal2json(R"({"action":"M","xid":9,)" + std::string(kTime) + R"(,"transactional":true,"prefix":"x","content":""})", 120));
  changes.push_back(boundary('C', 9, 130));
  const auto records = write_all(writer, changes);
  REQUIRE(records.size() == 2);  // an empty transaction: BEGIN and END, as Debezium sends for one
  CHECK(Json(records[1].value).at("/event_count") == "0");
  CHECK(Json(records[1].value).at("/data_collections") == "[]");
}

TEST_CASE("debezium: transaction_metadata without B and C (IgnoreTxFilter): BEGIN with the first event, END when the next transaction starts",
          "[debezium][transactions]") {
  dbz::EventWriter writer(with_transactions(), &fixed_now_ns);
  const auto first = insert(7, "a", 1, 700);
  auto records = writer.write(*first);
  REQUIRE(records.size() == 2);
  CHECK(Json(records[0].value).at("/status") == R"("BEGIN")");
  CHECK(Json(records[0].value).at("/id") == R"("7:700")");
  CHECK(Json(records[1].value).at("/transaction/total_order") == "1");
  const auto second = insert(7, "a", 2, 710);
  CHECK(writer.write(*second).size() == 1);
  const auto other = insert(8, "a", 3, 800);
  records = writer.write(*other);
  REQUIRE(records.size() == 3);  // END of 7, BEGIN of 8, the event
  CHECK(Json(records[0].value).at("/status") == R"("END")");
  CHECK(Json(records[0].value).at("/id") == R"("7:800")");
  CHECK(Json(records[0].value).at("/event_count") == "2");
  CHECK(Json(records[1].value).at("/id") == R"("8:800")");
  CHECK(Json(records[2].value).at("/transaction/id") == R"("8:800")");
}

TEST_CASE("debezium: transaction_metadata with schemas: true: TransactionMetadataKey and TransactionMetadataValue",
          "[debezium][transactions][schemas]") {
  auto settings = with_transactions();
  settings.schemas = true;
  dbz::EventWriter writer(settings, &fixed_now_ns);
  const auto b = boundary('B', 3, 300);
  const auto records = writer.write(*b);
  REQUIRE(records.size() == 1);
  const Json key(records[0].key);
  CHECK(key.at("/schema") == minified(R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"id"}],"optional":false,)"
                                      R"("name":"io.debezium.connector.common.TransactionMetadataKey","version":1})"));
  CHECK(key.at("/payload") == R"({"id":"3:300"})");
  const Json value(records[0].value);
  CHECK(value.at("/schema/name") == R"("io.debezium.connector.common.TransactionMetadataValue")");
  CHECK(value.at("/schema/fields/3") ==
        minified(R"({"type":"array","items":{"type":"struct","fields":[{"type":"string","optional":false,"field":"data_collection"},)"
                 R"({"type":"int64","optional":false,"field":"event_count"}],"optional":true,"name":"event.collection","version":1},)"
                 R"("optional":true,"field":"data_collections"})"));
  CHECK(value.at("/schema/fields/4") == R"({"type":"int64","optional":false,"field":"ts_ms"})");
  CHECK(value.at("/payload/status") == R"("BEGIN")");
  const auto i = insert(3, "a", 1, 310);
  CHECK(Json(writer.write(*i)[0].value).at("/payload/transaction/id") == R"("3:310")");
}
