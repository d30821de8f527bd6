#include "e2e_support.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <simdjson.h>

namespace popyka::test::e2e {

Lsn parse_lsn(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) throw std::invalid_argument("not an LSN: " + std::string(text));
  std::uint64_t high = 0, low = 0;
  std::from_chars(text.data(), text.data() + slash, high, 16);
  std::from_chars(text.data() + slash + 1, text.data() + text.size(), low, 16);
  return (high << 32) | low;
}

std::string format_lsn(Lsn lsn) {
  char text[32];
  std::snprintf(text, sizeof text, "%X/%X", static_cast<unsigned>(lsn >> 32), static_cast<unsigned>(lsn));
  return text;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

int listen_for_metrics(HostProcess::Environment& env) {
  const int port = free_port();
  env["POPYKA_METRICS_LISTEN"] = "127.0.0.1:" + std::to_string(port);
  return port;
}

double sample(const std::string& text, const std::string& name_and_labels) {
  const std::string prefix = "\n" + name_and_labels + " ";
  const auto at = ("\n" + text).find(prefix);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + prefix.size() - 1));
}

std::string database_yaml(std::string_view slot, std::string_view output_plugin) {
  return "database:\n"
         "  connect_url: \"${POPYKA_DB_DSN}\"\n"
         "  slot_name: \"" + std::string(slot) + "\"\n"
         "  output_plugin: " + (output_plugin.empty() ? PostgresCluster::test_output_plugin() : std::string(output_plugin)) + "\n"
         "  status_interval_s: 0.5\n"
         "  reconnect_initial_s: 0.2\n"
         "  reconnect_max_s: 1\n";
}

std::string kafka_processor_yaml(std::string_view topic, std::string_view topic_without_table,
                                 const ProducerProperties& producer_extra) {
  std::string yaml =
      "  - class: popyka.builtin.processors.ProduceToKafkaProcessor\n"
      "    error_handlers:\n"
      "      - class: popyka.builtin.error_handlers.RetryProcessor\n"
      "    config:\n"
      "      topic: \"" + std::string(topic) + "\"\n";
  if (!topic_without_table.empty()) yaml += "      topic_without_table: \"" + std::string(topic_without_table) + "\"\n";
  // Quick reconnects: a broker that is back is used at once.
  yaml +=
      "      producer_config:\n"
      "        bootstrap.servers: \"${POPYKA_KAFKA_BOOTSTRAP_SERVERS}\"\n"
      "        client.id: popyka-e2e\n"
      "        reconnect.backoff.ms: \"50\"\n"
      "        reconnect.backoff.max.ms: \"200\"\n"
      "        retry.backoff.ms: \"50\"\n";
  for (const auto& [name, value] : producer_extra) yaml += "        " + name + ": \"" + value + "\"\n";
  return yaml;
}

HostProcess::Environment host_env(const std::filesystem::path& config, const PostgresCluster& cluster,
                                  const std::string& bootstrap) {
  HostProcess::Environment env{{"POPYKA_DB_DSN", cluster.dsn()}, {"POPYKA_COMPACT_DUMP", "1"}};
  if (!config.empty()) env["POPYKA_CONFIG"] = config.string();
  if (!bootstrap.empty()) env["POPYKA_KAFKA_BOOTSTRAP_SERVERS"] = bootstrap;
  return env;
}

Lsn confirmed_flush_lsn(const PostgresCluster& cluster, const std::string& slot) {
  const auto value =
      cluster.query_value("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
  return value ? parse_lsn(*value) : 0;
}

bool wait_confirmed(const PostgresCluster& cluster, const std::string& slot, Lsn lsn, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < give_up) {
    if (confirmed_flush_lsn(cluster, slot) >= lsn) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void create_rows_table(const PostgresCluster& cluster) {
  cluster.exec("CREATE TABLE " + std::string(rows_table) + "(id int PRIMARY KEY, payload text)");
}

void prepare_rows_and_slots(const PostgresCluster& cluster) {
  create_rows_table(cluster);
  cluster.prepare_output_plugin();
  cluster.exec("SELECT pg_create_logical_replication_slot('" + kSlot + "', '" + PostgresCluster::test_output_plugin() +
               "')");
  cluster.exec("SELECT pg_create_logical_replication_slot('" + kReferenceSlot + "', 'test_decoding')");
}

std::string insert_rows(const PostgresCluster& cluster, int first, int count) {
  const std::string sql = "WITH ins AS (INSERT INTO " + std::string(rows_table) + " SELECT g, 'row ' || g FROM generate_series(" +
                          std::to_string(first) + ", " + std::to_string(first + count - 1) +
                          ") g RETURNING 1) SELECT pg_current_xact_id()::text, count(*) FROM ins";
  return cluster.query_value(sql).value();
}

BatchWriter::BatchWriter(const PostgresCluster& cluster, int batches, int batch_size, std::chrono::milliseconds pause,
                         std::function<void(int)> before_batch)
    : thread_([this, &cluster, batches, batch_size, pause, before_batch = std::move(before_batch)] {
        try {
          for (int i = 0; i < batches; ++i) {
            if (before_batch) before_batch(i);
            xids_.push_back(insert_rows(cluster, i * batch_size + 1, batch_size));
            ++written_;
            std::this_thread::sleep_for(pause);
          }
        } catch (...) {
          error_ = std::current_exception();
        }
      }) {}

BatchWriter::~BatchWriter() {
  if (thread_.joinable()) thread_.join();
}

bool BatchWriter::wait_written(int batches, std::chrono::milliseconds timeout) const {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (written_ < batches) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::vector<std::string> BatchWriter::join() {
  if (thread_.joinable()) thread_.join();
  if (error_) std::rethrow_exception(error_);
  return xids_;
}

std::map<std::string, TransactionLsns> transaction_lsns(const PostgresCluster& cluster, const std::string& slot) {
  // test_decoding, on every major: logical decoding gives a BEGIN the transaction's first LSN and
  // a COMMIT its end whatever the plugin, as popyka's B and C have them (not skip-empty-xacts,
  // which writes BEGIN at the first change's LSN). Only those lines come back, whatever the workload.
  const auto rows = cluster.query("SELECT lsn::text, xid::text, data FROM pg_logical_slot_peek_changes('" + slot +
                                  "', NULL, NULL, 'include-xids', '1') "
                                  "WHERE data LIKE 'BEGIN %' OR data LIKE 'COMMIT %'");
  std::map<std::string, TransactionLsns> out;
  for (const auto& row : rows) {
    const std::string& data = *row[2];
    if (data.starts_with("BEGIN ")) out[*row[1]].begin = parse_lsn(*row[0]);
    if (data.starts_with("COMMIT ")) out[*row[1]].commit = parse_lsn(*row[0]);
  }
  return out;
}

SlotSampler::SlotSampler(const PostgresCluster& cluster, std::string slot, std::chrono::milliseconds interval)
    : cluster_(cluster), slot_(std::move(slot)), interval_(interval), thread_([this] {
        while (!stop_) {
          try {
            const Lsn confirmed = confirmed_flush_lsn(cluster_, slot_);
            const std::lock_guard lock(mutex_);
            samples_.push_back({std::chrono::steady_clock::now(), confirmed});
          } catch (const std::exception&) {
            // the server restarting: no sample this time
          }
          std::this_thread::sleep_for(interval_);
        }
      }) {}

SlotSampler::~SlotSampler() { stop(); }

std::vector<SlotSampler::Sample> SlotSampler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  const std::lock_guard lock(mutex_);
  return samples_;
}

namespace {

std::optional<std::string> field(std::string_view json, std::string_view prefix, std::string_view stop_chars) {
  const auto at = json.find(prefix);
  if (at == std::string_view::npos) return std::nullopt;
  const auto begin = at + prefix.size();
  const auto end = json.find_first_of(stop_chars, begin);
  return std::string(json.substr(begin, end - begin));
}

}  // namespace

std::optional<RowChange> parse_row_change(std::string_view json) {
  const auto action = field(json, R"({"action":")", "\"");
  if (!action || (*action != "I" && *action != "U" && *action != "D")) return std::nullopt;
  // I and U carry the new id in columns, D in identity: the first id either way.
  const auto id = field(json, R"({"name":"id","type":"integer","value":)", "}");
  if (!id) return std::nullopt;
  RowChange change;
  change.action = *action;
  change.id = std::stoi(*id);
  change.xid = field(json, R"("xid":)", ",}").value_or("");
  change.json = std::string(json);
  return change;
}

std::vector<Record> all_messages(const std::string& bootstrap, const std::string& topic, std::size_t at_least,
                                 std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  std::size_t count = message_count(bootstrap, topic);
  while (count < at_least && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    count = message_count(bootstrap, topic);
  }
  return consume(bootstrap, topic, count, std::chrono::seconds(30));
}

std::string json_at(const std::string& json, std::string_view pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json);
  simdjson::dom::element e;
  if (root.at_pointer(pointer).get(e) != simdjson::SUCCESS) return "<missing>";
  return simdjson::minify(e);
}

std::vector<RowChange> row_changes(const std::vector<Record>& records) {
  std::vector<RowChange> out;
  for (const Record& record : records) {
    auto change = parse_row_change(record.value);
    if (!change) continue;
    if (const auto lsn = record.headers.find("lsn"); lsn != record.headers.end()) change->lsn = parse_lsn(lsn->second);
    out.push_back(std::move(*change));
  }
  return out;
}

std::vector<RowChange> logged_row_changes(const std::string& log) {
  constexpr std::string_view marker = "LogChangeProcessor: ";
  std::vector<RowChange> out;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find(marker);
    if (at == std::string::npos) continue;
    if (auto change = parse_row_change(std::string_view(line).substr(at + marker.size()))) out.push_back(std::move(*change));
  }
  return out;
}

std::set<int> ids_of(const std::vector<RowChange>& changes) {
  std::set<int> out;
  for (const auto& c : changes) out.insert(c.id);
  return out;
}

std::string missing_ids(const std::set<int>& got, int first, int count) {
  std::vector<int> missing;
  for (int id = first; id < first + count; ++id) {
    if (!got.contains(id)) missing.push_back(id);
  }
  if (missing.empty()) return {};
  std::string text = std::to_string(missing.size()) + " missing, e.g.";
  for (std::size_t i = 0; i < std::min<std::size_t>(missing.size(), 10); ++i) text += " " + std::to_string(missing[i]);
  return text;
}

}  // namespace popyka::test::e2e
