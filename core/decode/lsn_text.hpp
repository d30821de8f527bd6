#pragma once
#include <optional>
#include <string_view>

#include "popyka/sdk/change.hpp"

namespace popyka::decode {

// Parses PostgreSQL's "X/X" text of an LSN (`0/1E541460`); std::nullopt when malformed.
std::optional<sdk::Lsn> parse_lsn(std::string_view text) noexcept;

}  // namespace popyka::decode
