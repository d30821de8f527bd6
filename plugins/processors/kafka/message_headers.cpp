#include "message_headers.hpp"

#include <string>

namespace popyka::kafka {

namespace {

void add_value(rd_kafka_headers_t* headers, const char* name, sdk::Value value) {
  if (!value.is_present() || value.is_null()) return;
  std::string_view text = value.json();
  std::string decoded;  // only for a string with escapes: timestamps and xids have none
  if (value.is_string()) {
    if (text.find('\\') == std::string_view::npos) text = text.substr(1, text.size() - 2);
    else text = decoded = value.as_string();
  }
  rd_kafka_header_add(headers, name, -1, text.data(), static_cast<ssize_t>(text.size()));
}

}  // namespace

rd_kafka_headers_t* make_headers(const sdk::Change& change) {
  rd_kafka_headers_t* headers = rd_kafka_headers_new(3);
  const std::string lsn = sdk::format_lsn(change.lsn());
  rd_kafka_header_add(headers, "lsn", -1, lsn.data(), static_cast<ssize_t>(lsn.size()));
  add_value(headers, "xid", change.xid());
  add_value(headers, "timestamp", change.timestamp());
  return headers;
}

}  // namespace popyka::kafka
