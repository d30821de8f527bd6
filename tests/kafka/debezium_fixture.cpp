#include "debezium_fixture.hpp"

#include <stdexcept>

namespace popyka::test {

namespace {

std::string raw(simdjson::ondemand::value v) {
  std::string_view token = v.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n')) token.remove_suffix(1);
  return std::string(token);
}

std::vector<TestColumn> columns_of(simdjson::ondemand::array array, bool with_values) {
  std::vector<TestColumn> out;
  for (simdjson::ondemand::object c : array) {
    TestColumn col;
    col.name = std::string(std::string_view(c["name"]));
    col.type = std::string(std::string_view(c["type"]));
    if (with_values) col.value = raw(c["value"].value());
    out.push_back(col);
  }
  return out;
}

}  // namespace

std::unique_ptr<TestChange> change_from_wal2json(std::string_view json, sdk::Lsn lsn) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::ondemand::document doc = parser.iterate(padded);
  TestChange::Fields f;
  f.lsn = lsn;
  for (auto field : doc.get_object()) {
    const std::string_view key = field.unescaped_key();
    simdjson::ondemand::value v = field.value();
    if (key == "action") f.action = static_cast<sdk::Action>(std::string_view(v).front());
    else if (key == "xid") f.xid = raw(v);
    else if (key == "timestamp") f.timestamp = raw(v);
    else if (key == "schema") f.schema = std::string(std::string_view(v));
    else if (key == "table") f.table = std::string(std::string_view(v));
    else if (key == "columns") f.columns = columns_of(v.get_array(), true);
    else if (key == "identity") f.identity = columns_of(v.get_array(), true);
    else if (key == "pk") f.pk = columns_of(v.get_array(), false);
    else if (key == "prefix") f.prefix = raw(v);
    else if (key == "content") f.content = raw(v);
    else if (key == "transactional") f.transactional = bool(v);
  }
  return std::make_unique<TestChange>(std::move(f));
}

kafka::debezium::DebeziumSettings debezium_settings() {
  kafka::debezium::DebeziumSettings s;
  s.topic_prefix = "dbserver1";
  s.database_name = "inventory";
  return s;
}

sdk::Config config_of(const std::vector<std::pair<std::string, std::string>>& keys) {
  std::vector<sdk::Config::Entry> entries;
  for (const auto& [name, value] : keys) entries.emplace_back(name, sdk::Config::scalar("config." + name, value));
  return sdk::Config::map("config", std::move(entries));
}

std::int64_t fixed_now_ns() { return 1700000000000123456; }

Json::Json(std::string_view text) : text_(text), parser_(std::make_unique<simdjson::dom::parser>()) {
  if (parser_->parse(text_).get(root_) != simdjson::SUCCESS) throw std::runtime_error("not JSON: " + text_);
}

std::string Json::at(std::string_view pointer) const {
  simdjson::dom::element e;
  if (root_.at_pointer(pointer).get(e) != simdjson::SUCCESS) return "<missing>";
  return simdjson::minify(e);
}

bool Json::has(std::string_view pointer) const {
  simdjson::dom::element e;
  return root_.at_pointer(pointer).get(e) == simdjson::SUCCESS;
}

std::string minified(std::string_view expected) { return Json(expected).at(""); }

}  // namespace popyka::test
