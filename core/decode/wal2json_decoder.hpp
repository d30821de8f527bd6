#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "decode/decoded_change.hpp"

namespace popyka::decode {

// A message that is not a wal2json format-version 2 object.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Turns wal2json format-version 2 messages into Change views with simdjson's On-Demand API.
// Values are kept as their exact JSON text; names are unescaped.
class Wal2JsonDecoder {
 public:
  // How many readable bytes past a message's end let decode() read it in place.
  static constexpr std::size_t kPadding = simdjson::SIMDJSON_PADDING;

  // The change is valid until the next decode(). `lsn` is the stream position; 0 means "take
  // the message's own `lsn` field, if any". With `readable_after` >= kPadding (bytes past the
  // end of `json` that may be read), the message is read where it is, and the change is valid
  // only while `json` is too; else it is copied first. Throws DecodeError.
  const DecodedChange& decode(std::string_view json, sdk::Lsn lsn, std::size_t readable_after = 0);
  DecodedChange& current() noexcept { return change_; }
  // Where row changes (I, U, R) find their columns' details, which wal2json's text does not carry;
  // null (the default): they have none. It must outlive the decoder's changes.
  void set_column_details_lookup(ColumnDetailsLookup* lookup) noexcept { details_lookup_ = lookup; }

 private:
  void decode_field(simdjson::ondemand::raw_json_string key, simdjson::ondemand::value value);
  // Where `value` starts in the message.
  std::size_t offset_of(simdjson::ondemand::value& value) const noexcept;
  void decode_columns(simdjson::ondemand::value value, std::vector<sdk::Column>& out);

  simdjson::ondemand::parser parser_;
  std::string buffer_;  // the message plus simdjson's padding; reused
  ColumnDetailsLookup* details_lookup_ = nullptr;
  DecodedChange change_;
  sdk::Lsn field_lsn_ = 0;
  bool has_action_ = false;
};

}  // namespace popyka::decode
