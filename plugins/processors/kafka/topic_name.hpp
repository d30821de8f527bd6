#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace popyka::kafka {

// Which topic a change goes to.
//
// `topic` may contain `{schema}` and `{table}`, replaced by the change's schema and table. A change
// without a table (B, C, M) goes to `topic_without_table` when given; otherwise to `topic` with
// both parts empty (`cdc.{schema}.{table}` gives `cdc..`). Names are not sanitized: a table whose
// name Kafka refuses makes that change's delivery fail, and its error handlers decide.
class TopicName {
 public:
  TopicName(std::string pattern, std::optional<std::string> without_table)
      : pattern_(std::move(pattern)), without_table_(std::move(without_table)) {}

  std::string for_change(std::string_view schema, std::string_view table) const;
  // The same name written into `out`, whose buffer is reused (no allocation once warm).
  void write_for_change(std::string_view schema, std::string_view table, std::string& out) const;
  const std::string& pattern() const noexcept { return pattern_; }
  const std::optional<std::string>& without_table() const noexcept { return without_table_; }

 private:
  std::string pattern_;
  std::optional<std::string> without_table_;
};

// Kafka's rule: 1 to 249 of [a-zA-Z0-9._-], and not `.` or `..`.
bool is_legal_topic(std::string_view name);

// Throws sdk::ConfigError when the pattern has characters Kafka refuses outside its
// placeholders, or when the topic for changes without a table is not a legal name.
void check_topic_names(const TopicName& topics, const std::string& topic_path, const std::string& without_table_path);

}  // namespace popyka::kafka
