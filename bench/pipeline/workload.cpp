// wal2json format-version 2 text exactly as wal2json 2.5 writes it with format-version 2,
// include-xids, include-timestamp and include-pk (see tests/data/*.jsonl):
// no spaces, fields in wal2json's order, numerics and booleans unquoted, nulls as null.
#include "workload.hpp"

#include <random>

#include <fmt/format.h>

namespace popyka::bench {
namespace {

constexpr const char* kStatuses[] = {"new", "paid", "shipped", "delivered", "cancelled", "returned"};
constexpr const char* kTags[] = {"{}", "{gift}", "{gift,express}", "{\\\"b2b\\\",bulk}"};

struct Generator {
  std::mt19937_64 random;
  std::uint32_t xid = 7400;
  sdk::Lsn lsn = 0x16B3740000;
  long next_id = 1;
  std::vector<long> live_ids;  // rows of orders that exist (for updates and deletes)
  Workload out;

  std::string timestamp() const {
    // One commit time per transaction, as wal2json writes it.
    return fmt::format("2024-05-{:02} {:02}:{:02}:{:02}.{:06}+00", 1 + xid % 28, xid / 3600 % 24, xid / 60 % 60, xid % 60, xid * 7919 % 1000000);
  }
  std::string header(char action, const std::string& ts) const {
    return fmt::format(R"j({{"action":"{}","xid":{},"timestamp":"{}")j", action, xid, ts);
  }
  void emit(std::string json, bool row) {
    lsn += 0x48 + json.size() / 2;  // a plausible WAL record size
    out.bytes += json.size();
    if (row) ++out.row_changes;
    out.messages.push_back(Message{std::move(json), lsn, row});
  }

  std::string order_columns(long id, bool updated) {
    std::uniform_int_distribution<int> d100(0, 99);
    const long customer = 100000 + static_cast<long>(random() % 50000);
    const char* status = kStatuses[updated ? 1 + random() % 5 : 0];
    const int cents = static_cast<int>(random() % 1000000);
    const int quantity = 1 + static_cast<int>(random() % 20);
    const bool paid = updated && d100(random) < 80;
    const char* tags = kTags[random() % 4];
    const bool has_details = d100(random) < 70;
    const bool has_note = d100(random) < 30;
    std::string details = has_details ? fmt::format(R"j("{{\"channel\": \"web\", \"coupon\": \"C{}\", \"items\": {}}}")j", random() % 9999, quantity)
                                      : std::string("null");
    std::string note = has_note ? fmt::format(R"j("customer asked for delivery after {} pm, call first")j", 1 + random() % 11) : std::string("null");
    return fmt::format(
        R"j([{{"name":"id","type":"integer","value":{}}},{{"name":"customer_id","type":"bigint","value":{}}},)j"
        R"j({{"name":"status","type":"character varying(20)","value":"{}"}},{{"name":"amount","type":"numeric(10,2)","value":{}.{:02}}},)j"
        R"j({{"name":"quantity","type":"integer","value":{}}},{{"name":"paid","type":"boolean","value":{}}},)j"
        R"j({{"name":"tags","type":"text[]","value":"{}"}},{{"name":"details","type":"jsonb","value":{}}},)j"
        R"j({{"name":"note","type":"text","value":{}}},{{"name":"created_at","type":"timestamp with time zone","value":"2024-05-{:02} 10:{:02}:{:02}.{:06}+00"}}])j",
        id, customer, status, cents / 100, cents % 100, quantity, paid ? "true" : "false", tags, details, note, 1 + id % 28, id / 60 % 60,
        id % 60, id * 104729 % 1000000);
  }

  static constexpr const char* kOrdersPk = R"j("pk":[{"name":"id","type":"integer"}])j";

  void insert(const std::string& ts) {
    const long id = next_id++;
    live_ids.push_back(id);
    emit(header('I', ts) + R"j(,"schema":"public","table":"orders","columns":)j" + order_columns(id, false) + "," + kOrdersPk + "}", true);
  }
  void update(const std::string& ts) {
    if (live_ids.empty()) return insert(ts);
    const long id = live_ids[random() % live_ids.size()];
    emit(header('U', ts) + R"j(,"schema":"public","table":"orders","columns":)j" + order_columns(id, true) +
             fmt::format(R"j(,"identity":[{{"name":"id","type":"integer","value":{}}}],)j", id) + kOrdersPk + "}",
         true);
  }
  void remove(const std::string& ts) {
    if (live_ids.empty()) return insert(ts);
    const std::size_t at = random() % live_ids.size();
    const long id = live_ids[at];
    live_ids[at] = live_ids.back();
    live_ids.pop_back();
    emit(header('D', ts) + fmt::format(R"j(,"schema":"public","table":"orders","identity":[{{"name":"id","type":"integer","value":{}}}],)j", id) +
             kOrdersPk + "}",
         true);
  }
  void audit(const std::string& ts) {
    emit(header('I', ts) +
             fmt::format(R"j(,"schema":"public","table":"audit_log","columns":[{{"name":"id","type":"bigint","value":{}}},)j"
                         R"j({{"name":"actor","type":"text","value":"app"}},{{"name":"at","type":"timestamp with time zone","value":"{}"}}],)j"
                         R"j("pk":[{{"name":"id","type":"bigint"}}]}})j",
                         out.messages.size(), ts),
         true);
  }

  void transaction(std::size_t rows) {
    ++xid;
    const std::string ts = timestamp();
    emit(header('B', ts) + "}", false);
    std::uniform_int_distribution<int> d100(0, 99);
    for (std::size_t i = 0; i < rows; ++i) {
      const int kind = d100(random);
      if (kind < 55) insert(ts);
      else if (kind < 80) update(ts);
      else if (kind < 92) remove(ts);
      else audit(ts);
    }
    emit(header('C', ts) + "}", false);
  }
};

}  // namespace

Workload make_workload(std::size_t transactions, unsigned seed) {
  Generator generator;
  generator.random.seed(seed);
  constexpr std::size_t kSizes[] = {1, 1, 2, 3, 5, 10, 20, 100};  // mixed, mostly small
  for (std::size_t t = 0; t < transactions; ++t) generator.transaction(kSizes[generator.random() % std::size(kSizes)]);
  return std::move(generator.out);
}

}  // namespace popyka::bench
