// Each column's domain base type and default (sdk::ColumnDefinitions) on every path a row comes
// by: the initial snapshot's R rows, the stream's I rows (wal2json's looked up in the catalog,
// pgoutput's from its Relation message's catalog read) and an incremental snapshot's R rows.
#include <catch2/catch.hpp>

#include <mutex>
#include <string>
#include <vector>

#include "background_stream.hpp"
#include "column_definitions_table.hpp"
#include "wait_until.hpp"
#include "decode/wal2json_decoder.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {

constexpr std::string_view kTable = "src_defs";

// Records as RecordingConsumer does, and the column definitions of kTable's changes, as the
// pipeline would see them (wal2json's text decoded with the stream's column details lookup).
class DefinitionsConsumer : public RecordingConsumer {
 public:
  struct Row {
    sdk::Action action;
    sdk::SnapshotOrigin origin;
    DefinitionsByName definitions;
  };

  void consume(std::string_view json, sdk::Lsn lsn) override {
    if (json.find(R"("table":"src_defs")") != std::string_view::npos) record(decoder_.decode(json, lsn));
    RecordingConsumer::consume(json, lsn);
  }
  void consume_decoded(decode::DecodedChange& change, std::size_t) override {
    if (change.table() == kTable) record(change);
    RecordingConsumer::consume(change.json(), change.lsn());
  }
  void use_column_details(decode::ColumnDetailsLookup* lookup) override { decoder_.set_column_details_lookup(lookup); }

  std::vector<Row> rows() const {
    std::lock_guard lock(mutex_);
    return rows_;
  }
  std::size_t count(sdk::Action action, sdk::SnapshotOrigin origin) const {
    std::size_t n = 0;
    for (const Row& row : rows()) n += row.action == action && row.origin == origin;
    return n;
  }

 private:
  void record(const decode::DecodedChange& change) {
    if (change.action() != sdk::Action::Insert && change.action() != sdk::Action::Read) return;
    std::lock_guard lock(mutex_);
    rows_.push_back({change.action(), change.snapshot_origin(), definitions_by_name(change)});
  }

  decode::Wal2JsonDecoder decoder_;
  mutable std::mutex mutex_;
  std::vector<Row> rows_;
};

}  // namespace

TEST_CASE("column definitions: the initial snapshot's, the stream's and an incremental snapshot's rows carry each "
          "column's domain base type and default",
          "[matrix]") {
  auto& cluster = PostgresCluster::shared();
  const std::string db(kTable), table(kTable);
  cluster.create_database(db);
  cluster.exec(column_definitions_schema(table) + "; " + column_definitions_row(table), db);
  auto spec = database_spec(cluster, "src_defs_slot");
  spec.connect_url = cluster.dsn("postgres", "", db);
  spec.snapshot = config::DatabaseSpec::Snapshot::initial;
  spec.snapshot_tables = {"public." + table};
  DefinitionsConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(wait_until_streaming(cluster, spec.slot_name));
  cluster.exec(column_definitions_row(table), db);
  cluster.exec("SELECT pg_logical_emit_message(false, 'popyka.signal', '{\"data-collections\": [\"public." + table +
                   "\"], \"type\": \"incremental\"}')",
               db);
  REQUIRE(wait_until([&] { return consumer.count(sdk::Action::Read, sdk::SnapshotOrigin::incremental) == 2; }));
  cluster.exec(end_of_stream_sql, db);
  REQUIRE(stream.wait() == BackgroundStream::Ending::end_of_stream_message);

  CHECK(consumer.count(sdk::Action::Read, sdk::SnapshotOrigin::initial) == 1);
  CHECK(consumer.count(sdk::Action::Insert, sdk::SnapshotOrigin::none) == 1);
  const auto rows = consumer.rows();
  REQUIRE(rows.size() == 4);
  for (const auto& row : rows) {
    INFO("action " << static_cast<char>(row.action) << ", origin " << static_cast<int>(row.origin));
    check_column_definitions(row.definitions, table);
  }
}
