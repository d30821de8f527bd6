#include "source/replication/snapshot/copy_text.hpp"

namespace popyka::source::replication {
namespace {

// COPY's text escapes; any other escaped character stands for itself (as COPY FROM reads it).
char unescaped(char c) {
  switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    default: return c;
  }
}

}  // namespace

std::optional<std::string_view> CopyTextFields::next(std::string& scratch) {
  const auto tab = rest_.find('\t');
  const std::string_view field = rest_.substr(0, tab);
  if (tab == std::string_view::npos) {
    done_ = true;
    rest_ = {};
  } else {
    rest_.remove_prefix(tab + 1);
  }
  if (field == "\\N") return std::nullopt;
  if (field.find('\\') == std::string_view::npos) return field;
  scratch.clear();
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 1 < field.size()) scratch += unescaped(field[++i]);
    else scratch += field[i];
  }
  return std::string_view(scratch);
}

}  // namespace popyka::source::replication
