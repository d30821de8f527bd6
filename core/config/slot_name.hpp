#pragma once
#include <algorithm>
#include <string_view>

namespace popyka::config {

// PostgreSQL's rule for replication slot names, the one place popyka writes it down: the config
// checks database.slot_name with it (a typo fails before connecting), the source once more before
// a name goes unquoted into a replication command.
inline constexpr std::string_view slot_name_rule = "1 to 63 lower-case letters, digits or underscores";

constexpr bool is_valid_slot_name(std::string_view name) noexcept {
  return !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

}  // namespace popyka::config
