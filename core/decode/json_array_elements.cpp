#include "decode/json_array_elements.hpp"

namespace popyka::decode {
namespace {

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view white = " \t\r\n";
  const auto first = text.find_first_not_of(white);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(white) - first + 1);
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
        // To the closing quote in long steps (a value can be megabytes of text), a backslash
        // taking the character after it along.
        at = text.find_first_of("\"\\", at + 1);
        while (at < text.size() && text[at] == '\\') at = text.find_first_of("\"\\", at + 2);
        if (at >= text.size()) return std::nullopt;
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
