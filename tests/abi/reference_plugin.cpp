// The ABI reference plugin: built the way plugins are built (hidden visibility), it implements
// every SDK interface and names every SDK type that crosses the plugin boundary in one exported
// function, so `abidw` records their layouts, vtables and the symbols a plugin exports.
// tests/abi/check_abi.sh compares that record with the committed baseline.
#include <popyka/sdk.hpp>

namespace sdk = popyka::sdk;

namespace {

class ReferenceFilter final : public sdk::Filter {
 public:
  sdk::FilterResult filter(const sdk::Change&) override { return sdk::FilterResult::Continue; }
};

class ReferenceProcessor final : public sdk::Processor {
 public:
  void process(const sdk::Change&) override {}
};

class ReferenceErrorHandler final : public sdk::ErrorHandler {
 public:
  sdk::ErrorAction handle_error(const sdk::Change&, const sdk::Failure&) override { return sdk::ErrorAction::Abort; }
};

// The host implements Change and Host; implementing them here too puts every one of their
// virtual functions, in vtable order, into the record: a slot added, removed or moved shows.
class ReferenceChange final : public sdk::Change {
 public:
  sdk::Action action() const noexcept override { return sdk::Action::Begin; }
  std::string_view schema() const noexcept override { return {}; }
  std::string_view table() const noexcept override { return {}; }
  std::span<const sdk::Column> columns() const noexcept override { return {}; }
  std::span<const sdk::Column> identity() const noexcept override { return {}; }
  std::span<const sdk::Column> primary_key() const noexcept override { return {}; }
  sdk::Lsn lsn() const noexcept override { return 0; }
  sdk::Value xid() const noexcept override { return {}; }
  sdk::Value timestamp() const noexcept override { return {}; }
  sdk::Value message_prefix() const noexcept override { return {}; }
  sdk::Value message_content() const noexcept override { return {}; }
  bool transactional() const noexcept override { return false; }
  std::string_view json() const noexcept override { return {}; }
};

// Added after 1.0 (a new interface the host's Change also implements): its slots are recorded
// the same way.
class ReferenceChangeDetails final : public sdk::ChangeDetails {
 public:
  std::span<const sdk::ColumnDetails> column_details() const noexcept override { return {}; }
  sdk::SnapshotOrigin snapshot_origin() const noexcept override { return sdk::SnapshotOrigin::none; }
  sdk::SnapshotPosition snapshot_position() const noexcept override { return sdk::SnapshotPosition::none; }
  sdk::Value snapshot_xid() const noexcept override { return {}; }
};

class ReferenceSpecialNumbers final : public sdk::SpecialNumbers {
 public:
  std::span<const sdk::SpecialNumber> in_columns() const noexcept override { return {}; }
  std::span<const sdk::SpecialNumber> in_identity() const noexcept override { return {}; }
};

class ReferenceColumnDefinitions final : public sdk::ColumnDefinitions {
 public:
  std::span<const sdk::ColumnDefinition> column_definitions() const noexcept override { return {}; }
};

class ReferenceHost final : public sdk::Host {
 public:
  void log(sdk::LogLevel, std::string_view) noexcept override {}
  bool log_enabled(sdk::LogLevel) const noexcept override { return false; }
  sdk::Ticket defer() noexcept override { return 0; }
  void delivered(sdk::Ticket) noexcept override {}
  void failed(sdk::Ticket, std::string_view) noexcept override {}
  bool check_only() const noexcept override { return true; }
};

constexpr sdk::ConfigKey kKeys[] = {sdk::required_key("name", sdk::ConfigType::String, "a required key"),
                                    sdk::optional_key("count", sdk::ConfigType::Int, "1", "a key with a default")};

}  // namespace

// Every type of the boundary, by pointer, so their definitions land in the ABI record.
extern "C" __attribute__((visibility("default"))) void popyka_abi_reference(
    const sdk::PluginDescriptor*, const sdk::ClassInfo*, const sdk::ConfigKeys*, const sdk::ConfigKey*, sdk::ConfigType*,
    sdk::ComponentKind*, sdk::Component*, sdk::Filter*, sdk::FilterResult*, sdk::Processor*, sdk::ErrorHandler*,
    sdk::ErrorAction*, const sdk::Failure*, const sdk::Change*, sdk::Action*, const sdk::Column*, const sdk::Value*,
    const sdk::Config*, sdk::Host*, sdk::LogLevel*, const sdk::Error*, const sdk::ConfigError*, const sdk::TypeError*) {}

// Instances, so the vtables and typeinfo of the two host-side interfaces are emitted here.
extern "C" __attribute__((visibility("default"))) sdk::Change* popyka_abi_reference_change() {
  static ReferenceChange change;
  return &change;
}
// The types added after 1.0, in a function of their own (1.0's above keeps its signature).
extern "C" __attribute__((visibility("default"))) void popyka_abi_reference_details(const sdk::ColumnDetails*,
                                                                                    sdk::SnapshotOrigin*,
                                                                                    sdk::SnapshotPosition*) {}
extern "C" __attribute__((visibility("default"))) sdk::ChangeDetails* popyka_abi_reference_change_details() {
  static ReferenceChangeDetails details;
  return &details;
}
extern "C" __attribute__((visibility("default"))) sdk::SpecialNumbers* popyka_abi_reference_special_numbers(sdk::SpecialNumber*) {
  static ReferenceSpecialNumbers specials;
  return &specials;
}
extern "C" __attribute__((visibility("default"))) sdk::ColumnDefinitions* popyka_abi_reference_column_definitions(
    const sdk::ColumnDefinition*) {
  static ReferenceColumnDefinitions definitions;
  return &definitions;
}
extern "C" __attribute__((visibility("default"))) sdk::Host* popyka_abi_reference_host() {
  static ReferenceHost host;
  return &host;
}

POPYKA_PLUGIN(sdk::plugin_class<ReferenceFilter>("abi.Filter"),
              sdk::plugin_class<ReferenceProcessor>("abi.Processor", sdk::ConfigKeys::of(kKeys)),
              sdk::plugin_class<ReferenceErrorHandler>("abi.ErrorHandler", sdk::ConfigKeys::any_keys()))
