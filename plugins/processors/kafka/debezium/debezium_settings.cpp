#include "debezium_settings.hpp"

#include <charconv>

namespace popyka::kafka::debezium {

namespace {

DecimalMode parse_decimal_mode(const sdk::Config& node) {
  const std::string& text = node.as_string();
  if (text == "precise") return DecimalMode::Precise;
  if (text == "string") return DecimalMode::String;
  if (text == "double") return DecimalMode::Double;
  node.fail("expected precise, string or double, found '" + text + "'");
}

void parse_skipped(const sdk::Config& node, DebeziumSettings& s) {
  s.skip_create = s.skip_update = s.skip_delete = s.skip_truncate = false;
  const std::string& text = node.as_string();
  if (text == "none") return;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size();
    std::string op = text.substr(at, end - at);
    op.erase(0, op.find_first_not_of(' '));
    op.erase(op.find_last_not_of(' ') + 1);
    if (op == "c") s.skip_create = true;
    else if (op == "u") s.skip_update = true;
    else if (op == "d") s.skip_delete = true;
    else if (op == "t") s.skip_truncate = true;
    else node.fail("expected none or operations among c, u, d, t separated by commas, found '" + op + "'");
    at = end + 1;
  }
}

// `2.5`, `3.1`: releases before 2.0 wrote another envelope (and took other properties).
DebeziumRelease parse_release(const sdk::Config& node) {
  const std::string& text = node.as_string();
  DebeziumRelease r;
  const char* end = text.data() + text.size();
  auto [dot, ec] = std::from_chars(text.data(), end, r.major);
  bool ok = ec == std::errc{} && dot != end && *dot == '.';
  if (ok) {
    auto [last, ec2] = std::from_chars(dot + 1, end, r.minor);
    ok = ec2 == std::errc{} && last == end && dot + 1 != end;
  }
  if (!ok || r.major < 2) node.fail("expected a Debezium release from 2.0 on as major.minor (e.g. 2.5 or 3.1), found '" + text + "'");
  return r;
}

}  // namespace

DebeziumSettings parse_debezium_settings(const sdk::Config& config) {
  DebeziumSettings s;
  s.topic_prefix = config.at("topic_prefix").as_nonblank_string();
  s.database_name = config.at("database_name").as_nonblank_string();
  if (const sdk::Config* m = config.find("decimal_handling_mode")) s.decimal_mode = parse_decimal_mode(*m);
  s.schemas = config.get_bool("schemas", false);
  s.tombstones_on_delete = config.get_bool("tombstones_on_delete", true);
  s.replace_null_with_default = config.get_bool("replace_null_with_default", true);
  if (const sdk::Config* k = config.find("skipped_operations")) parse_skipped(*k, s);
  if (const sdk::Config* v = config.find("debezium_version")) s.release = parse_release(*v);
  s.messages = MessagePrefixFilter::from(config);
  s.transaction_metadata = config.get_bool("transaction_metadata", false);
  if (const sdk::Config* t = config.find("transaction_topic")) {
    if (!s.transaction_metadata) t->fail("only means something with transaction_metadata: true");
    s.transaction_topic = t->as_nonblank_string();
  } else {
    s.transaction_topic = s.topic_prefix + ".transaction";
  }
  return s;
}

}  // namespace popyka::kafka::debezium
