#pragma once
#include <span>
#include <string_view>
#include <vector>

#include "popyka/sdk/change.hpp"

namespace popyka::decode {

// The host's Change: fields of one parsed wal2json message, pointing into the decoder's
// buffers. One instance is reused for every message, so the column vectors keep their
// capacity and decoding allocates nothing once warm.
class DecodedChange final : public sdk::Change {
 public:
  sdk::Action action() const noexcept override { return action_; }
  std::string_view schema() const noexcept override { return schema_; }
  std::string_view table() const noexcept override { return table_; }
  std::span<const sdk::Column> columns() const noexcept override { return columns_; }
  std::span<const sdk::Column> identity() const noexcept override { return identity_; }
  std::span<const sdk::Column> primary_key() const noexcept override { return primary_key_; }
  sdk::Lsn lsn() const noexcept override { return lsn_; }
  sdk::Value xid() const noexcept override { return xid_; }
  sdk::Value timestamp() const noexcept override { return timestamp_; }
  sdk::Value message_prefix() const noexcept override { return prefix_; }
  sdk::Value message_content() const noexcept override { return content_; }
  bool transactional() const noexcept override { return transactional_; }
  std::string_view json() const noexcept override { return json_; }
  // How many times error handlers had the current processor retry this change (the host's
  // bookkeeping, handed to error handlers in sdk::Failure::retries).
  int retries() const noexcept { return retries_; }
  void set_retries(int retries) noexcept { retries_ = retries; }

  // json() from the `columns` (or `identity`) array's '[' to the end; empty when absent. Where
  // a step that rewrites the message finds the arrays without parsing it again.
  std::string_view columns_text() const noexcept { return text_from(columns_at_); }
  std::string_view identity_text() const noexcept { return text_from(identity_at_); }
  // Makes the change the row change `json` holds, from fields its writer decoded already (the
  // initial snapshot's R rows): what decoding `json` gives, without parsing it. The views must
  // outlive the change; `columns_at` is where the `columns` array's '[' is in `json`.
  void assign_row(sdk::Action action, std::string_view schema, std::string_view table, std::span<const sdk::Column> columns,
                  std::span<const sdk::Column> primary_key, std::string_view json, std::size_t columns_at, sdk::Lsn lsn) {
    clear();
    action_ = action;
    schema_ = schema;
    table_ = table;
    columns_.assign(columns.begin(), columns.end());
    primary_key_.assign(primary_key.begin(), primary_key.end());
    json_ = json;
    columns_at_ = columns_at;
    lsn_ = lsn;
  }
  // Makes the change the one `json` holds, whose `columns` are `columns` (their views into the
  // old message stay valid as long as the decoder's buffer). `json` must outlive the change.
  void replace_columns(std::span<const sdk::Column> columns, std::string_view json) {
    columns_.assign(columns.begin(), columns.end());
    json_ = json;
    columns_at_ = identity_at_ = std::string_view::npos;
  }

 private:
  friend class Wal2JsonDecoder;

  void clear() noexcept {
    action_ = {};
    schema_ = table_ = json_ = {};
    columns_.clear();
    identity_.clear();
    primary_key_.clear();
    lsn_ = 0;
    xid_ = timestamp_ = prefix_ = content_ = sdk::Value{};
    transactional_ = false;
    retries_ = 0;
    columns_at_ = identity_at_ = std::string_view::npos;
  }

  std::string_view text_from(std::size_t at) const noexcept {
    return at < json_.size() ? json_.substr(at) : std::string_view();
  }

  sdk::Action action_{};
  std::string_view schema_, table_, json_;
  std::vector<sdk::Column> columns_, identity_, primary_key_;
  sdk::Lsn lsn_ = 0;
  sdk::Value xid_, timestamp_, prefix_, content_;
  bool transactional_ = false;
  int retries_ = 0;
  std::size_t columns_at_ = std::string_view::npos, identity_at_ = std::string_view::npos;  // offsets in json_
};

}  // namespace popyka::decode
