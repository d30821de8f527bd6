#include "decode/lsn_text.hpp"

#include <charconv>
#include <cstdint>

namespace popyka::decode {

std::optional<sdk::Lsn> parse_lsn(std::string_view text) noexcept {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  auto half = [](std::string_view part) -> std::optional<std::uint32_t> {
    std::uint32_t v = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v, 16);
    if (ec != std::errc{} || end != part.data() + part.size()) return std::nullopt;
    return v;
  };
  const auto high = half(text.substr(0, slash));
  const auto low = half(text.substr(slash + 1));
  if (!high || !low) return std::nullopt;
  return (static_cast<sdk::Lsn>(*high) << 32) | *low;
}

}  // namespace popyka::decode
