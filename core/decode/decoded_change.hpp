#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "popyka/sdk/change.hpp"
#include "popyka/sdk/change_details.hpp"
#include "decode/column_details_lookup.hpp"

namespace popyka::decode {
namespace pgoutput {
class Decoder;
}

// The host's Change: the fields of one change, pointing into its decoder's buffers, whichever
// input it was decoded from (wal2json text, a pgoutput message, an initial snapshot's row). One
// instance is reused for every message, so the column vectors keep their capacity and decoding
// allocates nothing once warm.
//
// json() is wal2json's message: for wal2json, the text received; for a change decoded from
// another input, the text wal2json would have sent, written by its decoder's JsonWriter on the
// first json() call (many filters never ask for it) and kept until the change is reused.
//
// It is also the SDK's ChangeDetails, SpecialNumbers and ColumnDefinitions (plugins find them with
// sdk::details_of(), sdk::special_numbers_of() and sdk::column_definitions_of()).
class DecodedChange final : public sdk::Change,
                            public sdk::ChangeDetails,
                            public sdk::SpecialNumbers,
                            public sdk::ColumnDefinitions {
 public:
  // Which snapshot read an R row: the initial one (`database.snapshot: initial`) or one taken
  // while streaming (an incremental snapshot); `none` for every other change.
  using SnapshotOrigin = sdk::SnapshotOrigin;
  // Writes the wal2json message of a change its decoder did not get as wal2json text.
  class JsonWriter {
   public:
    // Appends the message to `out` (empty), and sets where its `columns` and `identity`
    // arrays' '[' are in it (left npos when absent).
    virtual void write_json(std::string& out, std::size_t& columns_at, std::size_t& identity_at) const = 0;

   protected:
    ~JsonWriter() = default;
  };

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
  // noexcept as the SDK declares it: a failure to allocate the text ends the process.
  std::string_view json() const noexcept override {
    if (json_writer_ != nullptr) write_json();
    return json_;
  }
  std::span<const sdk::ColumnDetails> column_details() const noexcept override {
    look_up_columns();
    return column_details_;
  }
  std::span<const sdk::ColumnDefinition> column_definitions() const noexcept override {
    look_up_columns();
    return column_definitions_;
  }
  SnapshotOrigin snapshot_origin() const noexcept override { return snapshot_origin_; }
  sdk::SnapshotPosition snapshot_position() const noexcept override { return snapshot_position_; }
  sdk::Value snapshot_xid() const noexcept override { return snapshot_xid_; }
  std::span<const sdk::SpecialNumber> in_columns() const noexcept override { return column_specials_; }
  std::span<const sdk::SpecialNumber> in_identity() const noexcept override { return identity_specials_; }
  void set_snapshot_origin(SnapshotOrigin origin) noexcept { snapshot_origin_ = origin; }
  void set_snapshot_position(sdk::SnapshotPosition position) noexcept { snapshot_position_ = position; }
  // `xid`: JSON text (digits) that must outlive the change; empty: unknown.
  void set_snapshot_xid(std::string_view xid) noexcept { snapshot_xid_ = sdk::Value(xid); }
  // One of each per column, or both empty; must outlive the change (the decoder's relation, the
  // snapshot's plan).
  void set_column_details(std::span<const sdk::ColumnDetails> details,
                          std::span<const sdk::ColumnDefinition> definitions) noexcept {
    column_details_ = details;
    column_definitions_ = definitions;
  }
  // One per column (identity column), or empty when none is special; must outlive the change.
  void set_special_numbers(std::span<const sdk::SpecialNumber> columns, std::span<const sdk::SpecialNumber> identity) noexcept {
    column_specials_ = columns;
    identity_specials_ = identity;
  }
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
    snapshot_origin_ = action == sdk::Action::Read ? SnapshotOrigin::initial : SnapshotOrigin::none;
  }
  // Makes the change the one `json` holds, whose `columns` are `columns` (their views into the
  // old message stay valid as long as the decoder's buffer). `json` must outlive the change.
  void replace_columns(std::span<const sdk::Column> columns, std::string_view json) {
    columns_.assign(columns.begin(), columns.end());
    // The details were of the old columns: kept only when they still line up.
    if (column_details_.size() != columns_.size()) column_details_ = {};
    if (column_definitions_.size() != columns_.size()) column_definitions_ = {};
    if (column_specials_.size() != columns_.size()) column_specials_ = {};
    json_ = json;
    json_writer_ = nullptr;
    columns_at_ = identity_at_ = std::string_view::npos;
  }
  // Whether json() has its text (received, or written on an earlier call).
  bool has_json_text() const noexcept { return json_writer_ == nullptr; }

 private:
  friend class Wal2JsonDecoder;
  friend class pgoutput::Decoder;

  // A wal2json row change's details and definitions: one lookup, on the first call of either.
  void look_up_columns() const noexcept {
    if (details_lookup_ == nullptr) return;
    const CatalogColumns found = details_lookup_->details(schema_, table_, columns_);
    column_details_ = found.details;
    column_definitions_ = found.definitions;
    details_lookup_ = nullptr;
  }

  void write_json() const {
    written_.clear();
    json_writer_->write_json(written_, columns_at_, identity_at_);
    json_writer_ = nullptr;
    json_ = written_;
  }

  void clear() noexcept {
    action_ = {};
    schema_ = table_ = json_ = {};
    columns_.clear();
    identity_.clear();
    primary_key_.clear();
    lsn_ = 0;
    xid_ = timestamp_ = prefix_ = content_ = sdk::Value{};
    transactional_ = false;
    snapshot_origin_ = SnapshotOrigin::none;
    snapshot_position_ = sdk::SnapshotPosition::none;
    snapshot_xid_ = sdk::Value{};
    column_details_ = {};
    column_definitions_ = {};
    column_specials_ = identity_specials_ = {};
    details_lookup_ = nullptr;
    retries_ = 0;
    columns_at_ = identity_at_ = std::string_view::npos;
    json_writer_ = nullptr;
  }

  std::string_view text_from(const std::size_t& at) const noexcept {
    const std::string_view text = json();  // first, as writing it sets `at`
    return at < text.size() ? text.substr(at) : std::string_view();
  }

  sdk::Action action_{};
  std::string_view schema_, table_;
  mutable std::string_view json_;
  mutable const JsonWriter* json_writer_ = nullptr;  // set while json_ is still to be written
  mutable std::string written_;                      // json_ when written here; reused
  std::vector<sdk::Column> columns_, identity_, primary_key_;
  sdk::Lsn lsn_ = 0;
  sdk::Value xid_, timestamp_, prefix_, content_;
  bool transactional_ = false;
  SnapshotOrigin snapshot_origin_ = SnapshotOrigin::none;
  sdk::SnapshotPosition snapshot_position_ = sdk::SnapshotPosition::none;
  sdk::Value snapshot_xid_;
  mutable std::span<const sdk::ColumnDetails> column_details_;
  mutable std::span<const sdk::ColumnDefinition> column_definitions_;
  mutable ColumnDetailsLookup* details_lookup_ = nullptr;  // set while both are still to be looked up
  std::span<const sdk::SpecialNumber> column_specials_, identity_specials_;
  int retries_ = 0;
  mutable std::size_t columns_at_ = std::string_view::npos, identity_at_ = std::string_view::npos;  // offsets in json_
};

}  // namespace popyka::decode
