#include "source/replication/incremental/watermark.hpp"

#include <simdjson.h>

#include "popyka/sdk/json.hpp"

namespace popyka::source::replication::incremental {
namespace {

void append_table(std::string& out, const TableToRead& table) {
  out += R"({"table":)";
  sdk::append_json_string(out, table.table);
  out += R"(,"condition":)";
  sdk::append_json_string(out, table.condition);
  out += '}';
}

std::string text_of(simdjson::dom::element element) { return std::string(std::string_view(element.get_string())); }

TableToRead table_of(simdjson::dom::element element) {
  return {text_of(element["table"]), text_of(element["condition"])};
}

}  // namespace

std::string low_watermark(const SnapshotState& state) {
  std::string out = R"({"kind":"low","nonce":)";
  sdk::append_json_string(out, state.nonce);
  out += R"(,"chunk":)" + std::to_string(state.chunk) + R"(,"snapshot":)";
  sdk::append_json_string(out, state.snapshot_id);
  out += R"(,"current":)";
  append_table(out, state.current);
  out += R"(,"last_key":)";
  // As a string: its numbers stay exactly as the stream wrote them (a JSON parser would not keep
  // 1.50 as 1.50).
  if (state.last_key) sdk::append_json_string(out, *state.last_key);
  else out += "null";
  out += R"(,"table_chunks":)" + std::to_string(state.table_chunks);
  out += R"(,"table_rows":)" + std::to_string(state.table_rows);
  out += R"(,"queue":[)";
  for (std::size_t i = 0; i < state.queue.size(); ++i) {
    if (i > 0) out += ',';
    append_table(out, state.queue[i]);
  }
  out += "]}";
  return out;
}

std::string high_watermark(std::string_view nonce, std::uint64_t chunk) {
  std::string out = R"({"kind":"high","nonce":)";
  sdk::append_json_string(out, nonce);
  out += R"(,"chunk":)" + std::to_string(chunk) + '}';
  return out;
}

std::optional<Watermark> parse_watermark(std::string_view content) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(content);
  try {
    const simdjson::dom::element root = parser.parse(padded);
    Watermark watermark;
    const std::string_view kind = root["kind"].get_string();
    watermark.high = kind == "high";
    watermark.nonce = text_of(root["nonce"]);
    watermark.chunk = root["chunk"].get_uint64();
    if (watermark.high) return watermark;
    SnapshotState& state = watermark.state;
    state.nonce = watermark.nonce;
    state.chunk = watermark.chunk;
    state.snapshot_id = text_of(root["snapshot"]);
    state.current = table_of(root["current"]);
    if (const simdjson::dom::element key = root["last_key"]; !key.is_null()) state.last_key = text_of(key);
    state.table_chunks = root["table_chunks"].get_uint64();
    state.table_rows = root["table_rows"].get_uint64();
    for (simdjson::dom::element table : root["queue"].get_array()) state.queue.push_back(table_of(table));
    return watermark;
  } catch (const simdjson::simdjson_error&) {
    return std::nullopt;
  }
}

}  // namespace popyka::source::replication::incremental
