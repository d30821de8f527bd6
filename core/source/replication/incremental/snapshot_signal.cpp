#include "source/replication/incremental/snapshot_signal.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

// Debezium's signal format is the reference (its ExecuteSnapshot and StopSnapshot actions):
// `type` defaults to incremental and is read without regard to case; `data-collections` entries
// are trimmed; `additional-conditions` is a list of {data-collection, filter}; the older
// `additional-condition` (a string, Debezium 2.0 to 2.4) applies to every table of the signal.
namespace popyka::source::replication::incremental {
namespace dom = simdjson::dom;
namespace {

// Why a signal is refused; caught once, in parse_signal(), and logged as one warning.
struct Refusal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void warn_refused(std::string_view id, std::string_view why) {
  spdlog::warn("signal '{}' ignored: {}; the stream goes on", id, why);
}

std::string trimmed(std::string_view text) {
  auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The data as a JSON object; empty data (a NULL column) is an empty object.
dom::object data_object(dom::parser& parser, std::string_view data) {
  if (trimmed(data).empty()) data = "{}";
  dom::element element;
  if (auto error = parser.parse(data.data(), data.size()).get(element))
    throw Refusal(std::string("its data is not JSON (") + simdjson::error_message(error) + ")");
  dom::object object;
  if (element.get(object) != simdjson::SUCCESS) throw Refusal("its data is not a JSON object");
  return object;
}

// A member that must be a string when present; nullopt when absent or null.
std::optional<std::string> optional_string(dom::object object, std::string_view key) {
  dom::element element;
  if (object.at_key(key).get(element) != simdjson::SUCCESS || element.is_null()) return std::nullopt;
  std::string_view text;
  if (element.get(text) != simdjson::SUCCESS) throw Refusal("\"" + std::string(key) + "\" is not a string");
  return std::string(text);
}

// `data-collections`: a list of non-blank strings, trimmed; empty when absent.
std::vector<std::string> data_collections(dom::object data) {
  dom::element element;
  if (data.at_key("data-collections").get(element) != simdjson::SUCCESS || element.is_null()) return {};
  dom::array list;
  if (element.get(list) != simdjson::SUCCESS) throw Refusal("\"data-collections\" is not a list of table names");
  std::vector<std::string> tables;
  for (dom::element entry : list) {
    std::string_view name;
    if (entry.get(name) != simdjson::SUCCESS || trimmed(name).empty())
      throw Refusal("\"data-collections\" holds something other than a table name (schema.table)");
    tables.push_back(trimmed(name));
  }
  return tables;
}

// `type` of a snapshot: incremental when absent; Debezium's blocking snapshot is refused by name.
void require_incremental(dom::object data) {
  std::string type = lowercase(trimmed(optional_string(data, "type").value_or("incremental")));
  if (type == "blocking")
    throw Refusal("a blocking snapshot is not supported (popyka never pauses the stream): use \"type\": \"incremental\"");
  if (type != "incremental") throw Refusal("unknown snapshot type '" + type + "': use \"type\": \"incremental\"");
}

std::vector<std::pair<std::string, std::string>> additional_conditions(dom::object data, const std::vector<std::string>& tables) {
  std::vector<std::pair<std::string, std::string>> conditions;
  if (auto condition = optional_string(data, "additional-condition"); condition && !trimmed(*condition).empty())
    for (const std::string& table : tables) conditions.emplace_back(table, *condition);
  dom::element element;
  if (data.at_key("additional-conditions").get(element) != simdjson::SUCCESS || element.is_null()) return conditions;
  dom::array list;
  if (element.get(list) != simdjson::SUCCESS)
    throw Refusal("\"additional-conditions\" is not a list of {\"data-collection\": ..., \"filter\": ...}");
  for (dom::element entry : list) {
    dom::object condition;
    if (entry.get(condition) != simdjson::SUCCESS)
      throw Refusal("an \"additional-conditions\" entry is not a {\"data-collection\": ..., \"filter\": ...} object");
    auto table = optional_string(condition, "data-collection");
    auto filter = optional_string(condition, "filter");
    if (!table || trimmed(*table).empty() || !filter || trimmed(*filter).empty())
      throw Refusal("an \"additional-conditions\" entry lacks its \"data-collection\" or its \"filter\"");
    conditions.emplace_back(trimmed(*table), *filter);
  }
  return conditions;
}

SnapshotRequest snapshot_request(std::string_view id, dom::object data) {
  require_incremental(data);
  if (data.at_key("surrogate-key").error() == simdjson::SUCCESS)
    throw Refusal("\"surrogate-key\" is not supported (chunks follow the primary key): remove it");
  std::vector<std::string> tables = data_collections(data);
  if (tables.empty()) throw Refusal("\"data-collections\" is missing or empty: name the tables to read, e.g. [\"public.orders\"]");
  auto conditions = additional_conditions(data, tables);
  return SnapshotRequest{std::string(id), std::move(tables), std::move(conditions)};
}

StopRequest stop_request(std::string_view id, dom::object data) {
  require_incremental(data);
  return StopRequest{std::string(id), data_collections(data)};
}

std::string column_text(const sdk::Change& row, std::string_view name) {
  const sdk::Column* column = row.find_column(name);
  if (column == nullptr || !column->value.is_present() || column->value.is_null()) return {};
  if (column->value.is_string()) return column->value.as_string();
  return std::string(column->value.json());
}

}  // namespace

std::optional<Signal> parse_signal(std::string_view id, std::string_view type, std::string_view data) {
  try {
    if (trimmed(id).empty()) throw Refusal("it has no id: give every signal a unique id");
    dom::parser parser;
    std::string kind = trimmed(type);
    if (kind == "execute-snapshot") return snapshot_request(id, data_object(parser, data));
    if (kind == "stop-snapshot") return stop_request(id, data_object(parser, data));
    throw Refusal("unknown signal type '" + kind + "': popyka knows execute-snapshot and stop-snapshot");
  } catch (const Refusal& why) {
    warn_refused(id, why.what());
    return std::nullopt;
  }
}

std::optional<Signal> signal_from_row(const sdk::Change& row) {
  return parse_signal(column_text(row, "id"), column_text(row, "type"), column_text(row, "data"));
}

std::optional<Signal> signal_from_message(std::string_view content, std::string_view id_when_absent) {
  dom::parser parser;
  dom::element element;
  dom::object envelope;
  if (parser.parse(content.data(), content.size()).get(element) != simdjson::SUCCESS || element.get(envelope) != simdjson::SUCCESS) {
    warn_refused(id_when_absent, std::string("the ") + std::string(signal_message_prefix) + " message is not a JSON object");
    return std::nullopt;
  }
  // The data alone (no id, no data): an execute-snapshot named after the message.
  bool has_id = envelope.at_key("id").error() == simdjson::SUCCESS;
  dom::element data;
  bool has_data = envelope.at_key("data").get(data) == simdjson::SUCCESS;
  if (!has_id && !has_data) return parse_signal(id_when_absent, "execute-snapshot", content);

  std::string id(id_when_absent), type, data_text;
  try {
    id = optional_string(envelope, "id").value_or(std::string(id_when_absent));
    type = optional_string(envelope, "type").value_or("");
    // Debezium's envelope carries data as a string (the signal table) or as an object (Kafka).
    if (has_data && !data.is_null()) data_text = data.is_string() ? std::string(data.get_string().value_unsafe()) : simdjson::minify(data);
  } catch (const Refusal& why) {
    warn_refused(id, why.what());
    return std::nullopt;
  }
  return parse_signal(id, type, data_text);
}

}  // namespace popyka::source::replication::incremental
