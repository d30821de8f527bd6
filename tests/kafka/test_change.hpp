#pragma once
#include <string>
#include <vector>

#include <popyka/sdk/change.hpp>
#include <popyka/sdk/change_details.hpp>

namespace popyka::test {

// A column from explicit text: `value` is JSON (`1`, `"a"`, `null`), empty in a primary key.
struct TestColumn {
  std::string name;
  std::string type;
  std::string value;
};

// A Change from explicit fields, for tests that must not depend on the host's decoder.
// Its json() is a wal2json-v2-like rendering of those fields. Its details (sdk::ChangeDetails)
// are those of the fields, none by default; so are its special numbers (sdk::SpecialNumbers) and
// column definitions (sdk::ColumnDefinitions).
class TestChange final : public sdk::Change, public sdk::ChangeDetails, public sdk::SpecialNumbers, public sdk::ColumnDefinitions {
 public:
  // Every member has an initializer, so designated initializers may leave any out.
  struct Fields {
    sdk::Action action = sdk::Action::Insert;
    std::string schema{};
    std::string table{};
    std::vector<TestColumn> columns{};
    std::vector<TestColumn> identity{};
    std::vector<TestColumn> pk{};
    sdk::Lsn lsn = 0;
    std::string xid{};        // JSON, empty when absent
    std::string timestamp{};  // JSON, empty when absent
    std::string prefix{};     // JSON, M only
    std::string content{};    // JSON, M only
    bool transactional = true;
    std::vector<sdk::ColumnDetails> column_details{};  // views that must outlive the change
    sdk::SnapshotOrigin snapshot_origin = sdk::SnapshotOrigin::none;
    sdk::SnapshotPosition snapshot_position = sdk::SnapshotPosition::none;
    std::string snapshot_xid{};  // JSON, empty when absent
    std::vector<sdk::SpecialNumber> column_specials{}, identity_specials{};
    std::vector<sdk::ColumnDefinition> column_definitions{};  // views that must outlive the change
  };

  explicit TestChange(Fields fields);
  TestChange(const TestChange&) = delete;  // the column views point into this object
  TestChange& operator=(const TestChange&) = delete;
  ~TestChange() = default;

  sdk::Action action() const noexcept override { return f_.action; }
  std::string_view schema() const noexcept override { return f_.schema; }
  std::string_view table() const noexcept override { return f_.table; }
  std::span<const sdk::Column> columns() const noexcept override { return columns_; }
  std::span<const sdk::Column> identity() const noexcept override { return identity_; }
  std::span<const sdk::Column> primary_key() const noexcept override { return pk_; }
  sdk::Lsn lsn() const noexcept override { return f_.lsn; }
  sdk::Value xid() const noexcept override { return sdk::Value(f_.xid); }
  sdk::Value timestamp() const noexcept override { return sdk::Value(f_.timestamp); }
  sdk::Value message_prefix() const noexcept override { return sdk::Value(f_.prefix); }
  sdk::Value message_content() const noexcept override { return sdk::Value(f_.content); }
  bool transactional() const noexcept override { return f_.transactional; }
  std::string_view json() const noexcept override { return json_; }
  std::span<const sdk::ColumnDetails> column_details() const noexcept override { return f_.column_details; }
  sdk::SnapshotOrigin snapshot_origin() const noexcept override { return f_.snapshot_origin; }
  sdk::SnapshotPosition snapshot_position() const noexcept override { return f_.snapshot_position; }
  sdk::Value snapshot_xid() const noexcept override { return sdk::Value(f_.snapshot_xid); }
  std::span<const sdk::SpecialNumber> in_columns() const noexcept override { return f_.column_specials; }
  std::span<const sdk::SpecialNumber> in_identity() const noexcept override { return f_.identity_specials; }
  std::span<const sdk::ColumnDefinition> column_definitions() const noexcept override { return f_.column_definitions; }
  // Changes the fields that do not show in json() (the details).
  Fields& details() { return f_; }

 private:
  Fields f_;
  std::vector<sdk::Column> columns_, identity_, pk_;
  std::string json_;
};

}  // namespace popyka::test
