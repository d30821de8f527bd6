#pragma once
#include <sstream>
#include <string>

#include "decode/wal2json_decoder.hpp"
#include "source/change_consumer.hpp"

namespace popyka::test {

// Compares a row a source handed on decoded with what the wal2json decoder makes of its text.
class DecodedRowCheck {
 public:
  // Where `row` differs from decoding row.json; empty when nowhere.
  std::string difference(const source::DecodedRow& row) {
    std::ostringstream out;
    const decode::DecodedChange* change = nullptr;
    try {
      change = &decoder_.decode(row.json, 1);
    } catch (const decode::DecodeError& e) {
      return std::string("the decoder refuses it: ") + e.what();
    }
    auto compare = [&](std::string_view what, auto given, auto decoded) {
      if (given != decoded) out << what << ": " << given << " (decoded: " << decoded << "); ";
    };
    auto compare_columns = [&](std::string_view what, std::span<const sdk::Column> given, std::span<const sdk::Column> decoded) {
      compare(std::string(what) + " count", given.size(), decoded.size());
      for (std::size_t i = 0; i < std::min(given.size(), decoded.size()); ++i) {
        compare(std::string(what) + " name", given[i].name, decoded[i].name);
        compare(std::string(what) + " type", given[i].type, decoded[i].type);
        compare(std::string(what) + " value", given[i].value.json(), decoded[i].value.json());
      }
    };
    compare("action", static_cast<char>(row.action), static_cast<char>(change->action()));
    compare("schema", row.schema, change->schema());
    compare("table", row.table, change->table());
    compare_columns("column", row.columns, change->columns());
    compare_columns("pk", row.primary_key, change->primary_key());
    compare("columns text", row.json.substr(row.columns_at), change->columns_text());
    return out.str();
  }

 private:
  decode::Wal2JsonDecoder decoder_;
};

}  // namespace popyka::test
