#include "decode/wal2json_decoder.hpp"

#include <string>

#include "decode/lsn_text.hpp"

namespace popyka::decode {
namespace ondemand = simdjson::ondemand;
namespace {

[[noreturn]] void fail(const char* what, simdjson::error_code error) {
  throw DecodeError(std::string("not a wal2json v2 message: ") + what + " (" + simdjson::error_message(error) + ")");
}

template <class T, class Result>
T get_or_fail(Result&& result, const char* what) {
  T out{};
  if (auto error = std::forward<Result>(result).get(out)) fail(what, error);
  return out;
}

// A scalar's exact JSON text. simdjson's raw token runs to the next structural character, so
// it may carry trailing white space.
std::string_view exact_text(ondemand::value& value) {
  std::string_view token = value.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' || token.back() == '\t'))
    token.remove_suffix(1);
  return token;
}

bool known_action(char c) {
  switch (c) {
    case 'B': case 'C': case 'I': case 'U': case 'D': case 'T': case 'M': case 'R': return true;
    default: return false;
  }
}

}  // namespace

const DecodedChange& Wal2JsonDecoder::decode(std::string_view json, sdk::Lsn lsn, std::size_t readable_after) {
  std::size_t capacity = json.size() + readable_after;
  if (readable_after < kPadding) {
    // Copied once into a reused buffer that has simdjson's padding.
    if (buffer_.capacity() < json.size() + kPadding) buffer_.reserve(json.size() + kPadding);
    buffer_.assign(json.data(), json.size());
    json = buffer_;
    capacity = buffer_.capacity();
  }
  change_.clear();
  change_.json_ = json;
  field_lsn_ = 0;
  has_action_ = false;

  auto document = get_or_fail<ondemand::document>(parser_.iterate(json.data(), json.size(), capacity), "unreadable JSON");
  auto object = get_or_fail<ondemand::object>(document.get_object(), "not a JSON object");
  for (auto field : object) {
    auto key = get_or_fail<ondemand::raw_json_string>(field.key(), "bad key");
    decode_field(key, get_or_fail<ondemand::value>(field.value(), "bad value"));
  }
  if (!has_action_) throw DecodeError("not a wal2json v2 message: no \"action\" field");
  change_.lsn_ = lsn != 0 ? lsn : field_lsn_;
  const bool row = change_.action_ == sdk::Action::Insert || change_.action_ == sdk::Action::Update || change_.action_ == sdk::Action::Read;
  if (row && !change_.columns_.empty()) change_.details_lookup_ = details_lookup_;
  return change_;
}

void Wal2JsonDecoder::decode_field(ondemand::raw_json_string key, ondemand::value value) {
  if (key == "action") {
    const auto action = get_or_fail<std::string_view>(value.get_string(), "\"action\" is not a string");
    if (action.size() != 1 || !known_action(action[0])) throw DecodeError("not a wal2json v2 message: unknown action '" + std::string(action) + "'");
    change_.action_ = static_cast<sdk::Action>(action[0]);
    has_action_ = true;
  } else if (key == "schema") {
    change_.schema_ = get_or_fail<std::string_view>(value.get_string(), "\"schema\" is not a string");
  } else if (key == "table") {
    change_.table_ = get_or_fail<std::string_view>(value.get_string(), "\"table\" is not a string");
  } else if (key == "columns") {
    change_.columns_at_ = offset_of(value);
    decode_columns(value, change_.columns_);
  } else if (key == "identity") {
    change_.identity_at_ = offset_of(value);
    decode_columns(value, change_.identity_);
  } else if (key == "pk") {
    decode_columns(value, change_.primary_key_);
  } else if (key == "lsn") {
    const auto text = get_or_fail<std::string_view>(value.get_string(), "\"lsn\" is not a string");
    field_lsn_ = parse_lsn(text).value_or(0);
  } else if (key == "xid") {
    change_.xid_ = sdk::Value(exact_text(value));
  } else if (key == "timestamp") {
    change_.timestamp_ = sdk::Value(exact_text(value));
  } else if (key == "prefix") {
    change_.prefix_ = sdk::Value(exact_text(value));
  } else if (key == "content") {
    change_.content_ = sdk::Value(exact_text(value));
  } else if (key == "transactional") {
    change_.transactional_ = get_or_fail<bool>(value.get_bool(), "\"transactional\" is not a boolean");
  }
  // Other fields (nextlsn, future ones) stay in json() untouched.
}

std::size_t Wal2JsonDecoder::offset_of(ondemand::value& value) const noexcept {
  // From the message, which is buffer_ only when it was copied (a message read in place is not).
  return static_cast<std::size_t>(value.raw_json_token().data() - change_.json_.data());
}

void Wal2JsonDecoder::decode_columns(ondemand::value value, std::vector<sdk::Column>& out) {
  auto array = get_or_fail<ondemand::array>(value.get_array(), "columns are not an array");
  for (auto element : array) {
    auto object = get_or_fail<ondemand::object>(element.get_object(), "a column is not an object");
    sdk::Column column;
    for (auto field : object) {
      auto key = get_or_fail<ondemand::raw_json_string>(field.key(), "bad column key");
      auto field_value = get_or_fail<ondemand::value>(field.value(), "bad column value");
      if (key == "name") column.name = get_or_fail<std::string_view>(field_value.get_string(), "column name is not a string");
      else if (key == "type") column.type = get_or_fail<std::string_view>(field_value.get_string(), "column type is not a string");
      else if (key == "value") column.value = sdk::Value(exact_text(field_value));
    }
    out.push_back(column);
  }
}

}  // namespace popyka::decode
