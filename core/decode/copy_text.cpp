#include "decode/copy_text.hpp"

#include "popyka/sdk/json.hpp"

namespace popyka::decode {
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

void CopyTextFields::skip_null() { skip(null_field.size()); }

void CopyTextFields::skip(std::size_t size) {
  if (size == rest_.size()) {
    done_ = true;
    rest_ = {};
  } else {
    rest_.remove_prefix(size + 1);
  }
}

std::string_view CopyTextFields::next_text(std::string& scratch) {
  // One pass to the field's end (its tab, or the row's end), noting whether it has escapes.
  const char* at = rest_.data();
  const char* const end = rest_.data() + rest_.size();
  bool escaped = false;
  for (;;) {
    at = sdk::json_detail::find_escaped(at, end);  // stops at tab and backslash, among others
    if (at == end || *at == '\t') break;
    escaped = escaped || *at == '\\';
    ++at;
  }
  const std::string_view field(rest_.data(), static_cast<std::size_t>(at - rest_.data()));
  skip(field.size());
  if (!escaped) return field;
  scratch.clear();
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 1 < field.size()) scratch += unescaped(field[++i]);
    else scratch += field[i];
  }
  return scratch;
}

void CopyTextFields::append_next_as_json_string(std::string& out) {
  namespace json = sdk::json_detail;
  const char* at = rest_.data();
  const char* const end = rest_.data() + rest_.size();
  out.push_back('"');
  // Tab, backslash and what JSON escapes all stop find_escaped(); the rest is copied in runs.
  for (;;) {
    const char* run = at;
    at = json::find_escaped(at, end);
    out.append(run, at);
    if (at == end || *at == '\t') break;
    char c = *at++;
    if (c == '\\' && at != end && *at != '\t') c = unescaped(*at++);  // a backslash that ends the field is itself
    if (json::needs_escape(static_cast<unsigned char>(c))) json::append_escape(out, static_cast<unsigned char>(c));
    else out.push_back(c);
  }
  out.push_back('"');
  skip(static_cast<std::size_t>(at - rest_.data()));
}

}  // namespace popyka::decode
