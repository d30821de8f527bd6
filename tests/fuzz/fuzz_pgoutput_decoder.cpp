// decode::pgoutput::Decoder::decode over arbitrary bytes: messages framed as in
// fuzz_replication_protocol (a 2-byte big-endian length each), one decoder for them all, as a
// session keeps one. Every message either throws DecodeError or gives changes whose every field
// is readable before their text exists, and whose text (json(), written on first call), when
// the wal2json decoder reads it, reads back into the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "decode/pgoutput_decoder.hpp"
#include "decode/wal2json_decoder.hpp"
#include "fuzz_checks.hpp"

namespace {

using namespace popyka::decode;

// Answers like a database would, from the type OID alone.
class FixedCatalog final : public pgoutput::Catalog {
 public:
  Description describe(std::uint32_t, const std::vector<pgoutput::RelationColumn>& columns, bool with_primary_key) override {
    Description description;
    for (const auto& column : columns) {
      if (column.sent_type != nullptr) {
        description.type_names.push_back(column.sent_type->schema + "." + column.sent_type->name);
        continue;
      }
      switch (column.type_oid % 6) {
        case 0: description.type_names.emplace_back("integer"); break;
        case 1: description.type_names.emplace_back("text"); break;
        case 2: description.type_names.emplace_back("numeric(10,2)"); break;
        case 3: description.type_names.emplace_back("boolean"); break;
        case 4: description.type_names.emplace_back("bytea"); break;
        default: description.type_names.emplace_back("\"My Type\""); break;
      }
      if (with_primary_key && column.type_oid % 2 == 0) description.primary_key.push_back(column.name);
    }
    return description;
  }
  std::int32_t utc_offset(std::int64_t unix_seconds) override { return static_cast<std::int32_t>(unix_seconds % 7 * 1800); }
};

// The fields a plugin reads, as one text.
std::string fields_of(const popyka::sdk::Change& change) {
  std::string out{static_cast<char>(change.action())};
  for (std::string_view part : {change.schema(), change.table(), change.xid().json(), change.timestamp().json(),
                                change.message_prefix().json(), change.message_content().json()}) {
    out += '|';
    out += part;
  }
  for (auto columns : {change.columns(), change.identity(), change.primary_key()}) {
    out += '#';
    for (const popyka::sdk::Column& column : columns) {
      out += column.name;
      out += '|';
      out += column.type;
      out += '|';
      out += column.value.json();
      out += ';';
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FixedCatalog catalog;
  static Wal2JsonDecoder wal2json;
  pgoutput::Decoder decoder(catalog);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (input.size() >= 2) {
    const std::size_t length = (static_cast<unsigned char>(input[0]) << 8) | static_cast<unsigned char>(input[1]);
    const std::string_view message = input.substr(2, length);
    input.remove_prefix(std::min(input.size(), 2 + length));
    try {
      for (DecodedChange* change : decoder.decode(message, 42)) {
        popyka::fuzz::touch(*change);  // json() last: the fields first, before the text exists
        const std::string fields = fields_of(*change);
        const DecodedChange* read_back = nullptr;
        try {
          read_back = &wal2json.decode(change->json(), 42);
        } catch (const DecodeError&) {
          continue;  // values no server sends (bad UTF-8, a number that is not one): refused as before
        }
        if (fields_of(*read_back) != fields) std::abort();  // the text says otherwise than the fields
      }
    } catch (const pgoutput::DecodeError&) {
    }
  }
  return 0;
}
