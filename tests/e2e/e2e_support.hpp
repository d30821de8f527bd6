#pragma once
// What the end-to-end tests share: a temp dir, configs, LSNs, the row workload, the slot's
// confirmed position, and reading changes back from Kafka and from popyka-host's log.
#include <atomic>
#include <exception>
#include <functional>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "host_process.hpp"
#include "kafka_consumer.hpp"
#include "postgres_cluster.hpp"
#include "temp_dir.hpp"

namespace popyka::test::e2e {


using Lsn = std::uint64_t;
Lsn parse_lsn(std::string_view text);  // "16/B374D848"
std::string format_lsn(Lsn lsn);

// database: part of a config: the slot, the output plugin (by default the tests' one,
// PostgresCluster::test_output_plugin()), short status and reconnect intervals.
std::string database_yaml(std::string_view slot, std::string_view output_plugin = {});
using ProducerProperties = std::vector<std::pair<std::string, std::string>>;
// A Kafka processor entry (indented for `processors:`), with RetryProcessor as error handler;
// `producer_extra` is added to its producer_config.
std::string kafka_processor_yaml(std::string_view topic, std::string_view topic_without_table = {},
                                 const ProducerProperties& producer_extra = {});
// The environment popyka-host gets: POPYKA_CONFIG, POPYKA_DB_DSN, POPYKA_KAFKA_BOOTSTRAP_SERVERS.
HostProcess::Environment host_env(const std::filesystem::path& config, const PostgresCluster& cluster,
                                  const std::string& bootstrap = {});

// The slot's confirmed_flush_lsn; 0 when the slot does not exist or has none.
Lsn confirmed_flush_lsn(const PostgresCluster& cluster, const std::string& slot);
// Waits until the slot's confirmed_flush_lsn is at least `lsn`.
bool wait_confirmed(const PostgresCluster& cluster, const std::string& slot, Lsn lsn,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The row workload: table `rows_table` (id int PRIMARY KEY, payload text), rows inserted in
// batches of one INSERT ... SELECT generate_series each, one transaction per batch.
inline constexpr std::string_view rows_table = "e2e_rows";
void create_rows_table(const PostgresCluster& cluster);

// The 50k-change stream of the fault tests, the host's slot and a reference slot.
inline constexpr int kBatches = 100;
inline constexpr int kBatchSize = 500;  // 100 x 500 = 50k row changes
inline constexpr int kRows = kBatches * kBatchSize;
inline const std::string kSlot = "e2e";
inline const std::string kReferenceSlot = "e2e_reference";
// The rows table, then both slots at the same point of the WAL: the host's with the output
// plugin of the tests (PostgresCluster::test_output_plugin(); for pgoutput its publication
// first), the reference with test_decoding.
void prepare_rows_and_slots(const PostgresCluster& cluster);
// Inserts ids [first, first + count) in one transaction; returns its xid.
std::string insert_rows(const PostgresCluster& cluster, int first, int count);

// Inserts `batches` batches of `batch_size` rows (ids 1, 2, ...) on a thread of its own, one
// transaction each, pausing `pause` between them; `before_batch(i)`, when given, runs on that
// thread before batch i.
class BatchWriter {
 public:
  BatchWriter(const PostgresCluster& cluster, int batches, int batch_size, std::chrono::milliseconds pause,
              std::function<void(int)> before_batch = {});
  ~BatchWriter();
  int written() const noexcept { return written_; }  // batches committed so far
  bool wait_written(int batches, std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
  // Waits for the last batch; the xid of each batch. Rethrows the writer's error.
  std::vector<std::string> join();

 private:
  std::atomic<int> written_{0};
  std::vector<std::string> xids_;
  std::exception_ptr error_;
  std::thread thread_;
};

// Per transaction of the reference slot (created before the workload, test_decoding with
// include-xids): the LSNs of its B (its first change) and of its C (its commit), by xid.
struct TransactionLsns {
  Lsn begin = 0;
  Lsn commit = 0;
};
std::map<std::string, TransactionLsns> transaction_lsns(const PostgresCluster& cluster, const std::string& slot);

// Samples the slot's confirmed_flush_lsn every `interval` on a thread of its own until stop().
class SlotSampler {
 public:
  struct Sample {
    std::chrono::steady_clock::time_point at;
    Lsn confirmed;
  };
  SlotSampler(const PostgresCluster& cluster, std::string slot,
              std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  ~SlotSampler();
  std::vector<Sample> stop();

 private:
  const PostgresCluster& cluster_;
  std::string slot_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<Sample> samples_;
  std::thread thread_;
};

// A row change as it arrived: the row's id, its transaction, its LSN (when known), its JSON.
struct RowChange {
  int id = 0;
  std::string action;  // I, U, D
  std::string xid;
  std::optional<Lsn> lsn;
  std::string json;
};
// The `"name":"id",...,"value":N` of a wal2json v2 row change, and its "xid" and "action".
std::optional<RowChange> parse_row_change(std::string_view json);

// Every message of `topic` (waits until it holds at least `at_least`); Record as consume().
std::vector<Record> all_messages(const std::string& bootstrap, const std::string& topic, std::size_t at_least,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(60));
// The value at a JSON pointer (`/payload/op`) of `json`, minified; "<missing>" when absent.
std::string json_at(const std::string& json, std::string_view pointer);
// Row changes from Kafka records (LSN from the `lsn` header).
std::vector<RowChange> row_changes(const std::vector<Record>& records);
// Row changes LogChangeProcessor logged (POPYKA_COMPACT_DUMP=1: one JSON a line).
std::vector<RowChange> logged_row_changes(const std::string& log);

// A TCP port free on 127.0.0.1 a moment ago (for POPYKA_METRICS_LISTEN).
int free_port();
// Sets POPYKA_METRICS_LISTEN in `env` to such a port; returns it.
int listen_for_metrics(HostProcess::Environment& env);
// The value of the Prometheus sample `name_and_labels` (exactly as written before the value), or -1.
double sample(const std::string& text, const std::string& name_and_labels);

std::set<int> ids_of(const std::vector<RowChange>& changes);
// "N missing, e.g. 12 13 14" for the ids of [first, first + count) not in `got`; empty when none is.
std::string missing_ids(const std::set<int>& got, int first, int count);

}  // namespace popyka::test::e2e
