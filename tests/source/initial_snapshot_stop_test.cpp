// A stop request during the initial snapshot: stream_changes() returns, the slot is dropped (it
// keeps no WAL while popyka is down) and the marker stays, so the next run snapshots again. Its
// own program: a stop request lasts until the process ends.
#include <catch2/catch.hpp>

#include "background_stream.hpp"
#include "runtime/stop_signal.hpp"
#include "source/replication/slot/replication_slot.hpp"

using namespace popyka;
using namespace popyka::test;

namespace {
struct StoppingConsumer : RecordingConsumer {
  void consume(std::string_view json, sdk::Lsn lsn) override {
    RecordingConsumer::consume(json, lsn);
    if (++count == 1000) runtime::request_stop();
  }
  int count = 0;
};
}  // namespace

TEST_CASE("a stop during the initial snapshot drops the slot and keeps the marker") {
  auto& cluster = PostgresCluster::shared();
  cluster.exec("CREATE TABLE snap_stop(id int PRIMARY KEY); INSERT INTO snap_stop SELECT generate_series(1, 20000)");
  auto spec = database_spec(cluster, "snap_stop");
  spec.snapshot = config::DatabaseSpec::Snapshot::initial;
  StoppingConsumer consumer;
  BackgroundStream stream(spec, consumer);
  REQUIRE(stream.wait() == BackgroundStream::Ending::returned);
  CHECK(consumer.received().size() < 20000);
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'snap_stop'") == "0");
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" +
                            source::replication::ReplicationSlot::snapshot_marker_name("snap_stop") + "'") == "1");
  // popyka-host --drop-slot then removes the marker too.
  source::drop_slot(spec);
  CHECK(cluster.query_value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" +
                            source::replication::ReplicationSlot::snapshot_marker_name("snap_stop") + "'") == "0");
}
