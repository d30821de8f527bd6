#pragma once
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "decode/wal2json_decoder.hpp"

namespace popyka::test {

// Compares a change a decoder made from another input than wal2json text (a pgoutput message, a
// snapshot row) with what the wal2json decoder makes of its json(). The fields are read first,
// before json() is ever asked for, so they must be right on their own.
class DecodedChangeCheck {
 public:
  // Where `change` differs from decoding change.json(); empty when nowhere.
  std::string difference(const decode::DecodedChange& change) {
    const Fields given = fields_of(change);
    const std::string json(change.json());
    const std::string columns_text(change.columns_text()), identity_text(change.identity_text());
    const decode::DecodedChange* decoded = nullptr;
    try {
      decoded = &decoder_.decode(json, change.lsn());
    } catch (const decode::DecodeError& e) {
      return std::string("the decoder refuses it: ") + e.what();
    }
    std::ostringstream out;
    const Fields expected = fields_of(*decoded);
    auto compare = [&](std::string_view what, const auto& a, const auto& b) {
      if (a != b) out << what << ": " << a << " (decoded: " << b << "); ";
    };
    compare("fields", given.text, expected.text);
    compare("columns text", columns_text, std::string(decoded->columns_text()));
    compare("identity text", identity_text, std::string(decoded->identity_text()));
    return out.str();
  }

 private:
  struct Fields {
    std::string text;  // every field, one per line
  };
  static Fields fields_of(const sdk::Change& change) {
    std::ostringstream out;
    out << "action " << static_cast<char>(change.action()) << "\nschema " << change.schema() << "\ntable " << change.table()
        << "\nlsn " << change.lsn() << "\nxid " << change.xid().json() << "\ntimestamp " << change.timestamp().json()
        << "\nprefix " << change.message_prefix().json() << "\ncontent " << change.message_content().json()
        << "\ntransactional " << change.transactional() << '\n';
    auto columns = [&](std::string_view what, std::span<const sdk::Column> list) {
      out << what << ' ' << list.size() << '\n';
      for (const sdk::Column& c : list) out << "  " << c.name << " | " << c.type << " | " << c.value.json() << '\n';
    };
    columns("columns", change.columns());
    columns("identity", change.identity());
    columns("pk", change.primary_key());
    return {out.str()};
  }

  decode::Wal2JsonDecoder decoder_;
};

}  // namespace popyka::test
