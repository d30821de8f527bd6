#include "decode/json_array_elements.hpp"

namespace popyka::decode {
namespace {

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view white = " \t\r\n";
  const auto first = text.find_first_not_of(white);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(white) - first + 1);
}

// The quote that closes the string opened at `open`: the next one not escaped, i.e. not after an
// odd number of backslashes. Found with memchr's long steps: a value can be megabytes of text.
std::size_t closing_quote(std::string_view text, std::size_t open) {
  for (std::size_t at = text.find('"', open + 1); at != std::string_view::npos; at = text.find('"', at + 1)) {
    std::size_t backslashes = 0;
    while (text[at - 1 - backslashes] == '\\') ++backslashes;  // stops at the opening quote at the latest
    if (backslashes % 2 == 0) return at;
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::size_t> json_array_elements(std::string_view text, std::vector<std::string_view>& elements) {
  elements.clear();
  if (text.empty() || text.front() != '[') return std::nullopt;
  std::size_t element_start = 1;
  auto end_element = [&](std::size_t at) {
    if (auto element = trimmed(text.substr(element_start, at - element_start)); !element.empty())
      elements.push_back(element);
    element_start = at + 1;
  };
  int depth = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    switch (text[at]) {
      case '"':
        at = closing_quote(text, at);
        if (at == std::string_view::npos) return std::nullopt;
        break;
      case '[': case '{': ++depth; break;
      case ']': case '}':
        if (--depth > 0) break;
        end_element(at);
        return at + 1;
      case ',':
        if (depth == 1) end_element(at);
        break;
      default: break;
    }
  }
  return std::nullopt;
}

}  // namespace popyka::decode
