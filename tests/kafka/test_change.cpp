#include "test_change.hpp"

namespace popyka::test {

namespace {

std::vector<sdk::Column> views(const std::vector<TestColumn>& cols) {
  std::vector<sdk::Column> out;
  for (const TestColumn& c : cols) out.push_back({c.name, c.type, sdk::Value(c.value)});
  return out;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string render_columns(const std::vector<TestColumn>& cols, bool with_values) {
  std::string out = "[";
  for (const TestColumn& c : cols) {
    if (out.size() > 1) out += ",";
    out += "{\"name\":" + quoted(c.name) + ",\"type\":" + quoted(c.type);
    if (with_values) out += ",\"value\":" + c.value;
    out += "}";
  }
  return out + "]";
}

}  // namespace

TestChange::TestChange(Fields fields)
    : f_(std::move(fields)), columns_(views(f_.columns)), identity_(views(f_.identity)), pk_(views(f_.pk)) {
  json_ = "{\"action\":\"" + std::string(1, static_cast<char>(f_.action)) + "\"";
  if (!f_.xid.empty()) json_ += ",\"xid\":" + f_.xid;
  if (!f_.timestamp.empty()) json_ += ",\"timestamp\":" + f_.timestamp;
  if (f_.lsn != 0) json_ += ",\"lsn\":" + quoted(sdk::format_lsn(f_.lsn));
  if (!f_.table.empty()) json_ += ",\"schema\":" + quoted(f_.schema) + ",\"table\":" + quoted(f_.table);
  if (!f_.columns.empty()) json_ += ",\"columns\":" + render_columns(f_.columns, true);
  if (!f_.identity.empty()) json_ += ",\"identity\":" + render_columns(f_.identity, true);
  if (!f_.pk.empty()) json_ += ",\"pk\":" + render_columns(f_.pk, false);
  if (f_.action == sdk::Action::Message)
    json_ += std::string(",\"transactional\":") + (f_.transactional ? "true" : "false") + ",\"prefix\":" + f_.prefix +
             ",\"content\":" + f_.content;
  json_ += "}";
}

}  // namespace popyka::test
