#include "transaction_metadata.hpp"

#include <popyka/sdk/json.hpp>

#include "column_value.hpp"
#include "connect_schemas.hpp"

namespace popyka::kafka::debezium {

void TransactionMetadata::begin(std::string_view xid, sdk::Lsn lsn, std::int64_t ts_ms, Record& record) {
  in_progress_ = true;
  xid_.assign(xid);
  total_ = 0;
  collections_.clear();
  collection_index_.clear();
  write_event(record, "BEGIN", lsn, ts_ms, false);
}

void TransactionMetadata::end(sdk::Lsn lsn, std::int64_t ts_ms, Record& record) {
  write_event(record, "END", lsn, ts_ms, true);
  in_progress_ = false;
}

void TransactionMetadata::append_block(std::string& out, std::string_view data_collection, sdk::Lsn lsn) {
  auto [found, added] = collection_index_.try_emplace(std::string(data_collection), collections_.size());
  if (added) collections_.emplace_back(data_collection, 0);
  const std::int64_t collection_order = ++collections_[found->second].second;
  out += "{\"id\":";
  append_id(out, lsn);
  out += ",\"total_order\":";
  append_integer(out, ++total_);
  out += ",\"data_collection_order\":";
  append_integer(out, collection_order);
  out += '}';
}

void TransactionMetadata::write_event(Record& record, std::string_view status, sdk::Lsn lsn, std::int64_t ts_ms, bool with_counts) {
  record.key.clear();
  record.value.clear();
  record.destination = Destination::Transaction;
  record.has_key = record.has_value = true;
  std::string& key = record.key;
  if (schemas_) open_schema_wrapper(key, transaction_key_schema());
  key += "{\"id\":";
  append_id(key, lsn);
  key += '}';
  if (schemas_) key += '}';

  std::string& out = record.value;
  if (schemas_) open_schema_wrapper(out, transaction_value_schema());
  out += "{\"status\":\"";
  out += status;
  out += "\",\"id\":";
  append_id(out, lsn);
  if (with_counts) {
    out += ",\"event_count\":";
    append_integer(out, total_);
    out += ",\"data_collections\":[";
    for (std::size_t i = 0; i < collections_.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"data_collection\":";
      sdk::append_json_string(out, collections_[i].first);
      out += ",\"event_count\":";
      append_integer(out, collections_[i].second);
      out += '}';
    }
    out += ']';
  } else {
    out += ",\"event_count\":null,\"data_collections\":null";
  }
  out += ",\"ts_ms\":";
  append_integer(out, ts_ms);
  out += '}';
  if (schemas_) out += '}';
}

void TransactionMetadata::append_id(std::string& out, sdk::Lsn lsn) const {
  out += '"';
  out += xid_;
  out += ':';
  append_integer(out, static_cast<std::int64_t>(lsn));
  out += '"';
}

}  // namespace popyka::kafka::debezium
