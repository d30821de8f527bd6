#include "message_key.hpp"

namespace popyka::kafka {

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[(c >> 4) & 0xF];
      out += hex[c & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

std::optional<std::string> message_key(const sdk::Change& change) {
  const sdk::Action a = change.action();
  // R (a snapshot row) is keyed like an insert: on the partition of the row's later changes.
  if (a != sdk::Action::Insert && a != sdk::Action::Update && a != sdk::Action::Delete && a != sdk::Action::Read)
    return std::nullopt;
  const auto key_columns = change.primary_key().empty() ? change.identity() : change.primary_key();
  if (key_columns.empty()) return std::nullopt;

  std::string key = "{";
  for (const sdk::Column& k : key_columns) {
    const sdk::Column* c = change.find_column(k.name);  // columns first (new values), then identity
    if (c == nullptr || !c->value.is_present()) return std::nullopt;
    if (key.size() > 1) key += ',';
    append_json_string(key, k.name);
    key += ':';
    key += c->value.json();
  }
  key += '}';
  return key;
}

}  // namespace popyka::kafka
