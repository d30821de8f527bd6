#pragma once
// Changes for the Debezium format tests, read from wal2json messages exactly as PostgreSQL 15 and
// wal2json 2.5 wrote them, and the events EventWriter makes of them, parsed.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "debezium/event_writer.hpp"
#include "test_change.hpp"

namespace popyka::test {

// A TestChange with the fields of one wal2json format-version 2 message (values kept as written).
std::unique_ptr<TestChange> change_from_wal2json(std::string_view json, sdk::Lsn lsn = 0);

// The settings the tests start from: topic_prefix `dbserver1`, database_name `inventory`.
kafka::debezium::DebeziumSettings debezium_settings();

// The `config:` of a processor with only these keys (values as written in YAML), as the plugin reads it.
sdk::Config config_of(const std::vector<std::pair<std::string, std::string>>& keys);

// A fixed clock, so that ts_ms, ts_us and ts_ns are known: 1700000000000123456 ns.
std::int64_t fixed_now_ns();

// JSON values compared by meaning (`1.10` and `1.1` differ only as text, and are equal here).
class Json {
 public:
  explicit Json(std::string_view text);
  // The value at a JSON pointer (`/payload/after/id`), minified; "<missing>" when absent.
  std::string at(std::string_view pointer) const;
  bool has(std::string_view pointer) const;

 private:
  std::string text_;
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
};

// `expected`, parsed and minified the same way as Json::at, for comparisons.
std::string minified(std::string_view expected);

}  // namespace popyka::test
