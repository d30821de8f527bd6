#include "message_key.hpp"

#include <popyka/sdk/json.hpp>

namespace popyka::kafka {

std::optional<std::string_view> message_key(const sdk::Change& change, std::string& key) {
  const sdk::Action a = change.action();
  // R (a snapshot row) is keyed like an insert: on the partition of the row's later changes.
  if (a != sdk::Action::Insert && a != sdk::Action::Update && a != sdk::Action::Delete && a != sdk::Action::Read)
    return std::nullopt;
  const auto key_columns = change.primary_key().empty() ? change.identity() : change.primary_key();
  if (key_columns.empty()) return std::nullopt;

  key.assign("{");
  for (const sdk::Column& k : key_columns) {
    const sdk::Column* c = change.find_column(k.name);  // columns first (new values), then identity
    if (c == nullptr || !c->value.is_present()) return std::nullopt;
    if (key.size() > 1) key += ',';
    sdk::append_json_string(key, k.name);
    key += ':';
    key += c->value.json();
  }
  key += '}';
  return std::string_view(key);
}

}  // namespace popyka::kafka
