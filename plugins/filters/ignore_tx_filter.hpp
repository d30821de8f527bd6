#pragma once
#include <popyka/sdk.hpp>

namespace popyka::builtin {

// Drops BEGIN and COMMIT messages; leaves every other change to the next filter.
class IgnoreTxFilter final : public sdk::Filter {
 public:
  sdk::FilterResult filter(const sdk::Change& change) override {
    const auto action = change.action();
    return action == sdk::Action::Begin || action == sdk::Action::Commit ? sdk::FilterResult::Ignore : sdk::FilterResult::Continue;
  }
};

}  // namespace popyka::builtin
