#pragma once
#include <string>
#include <string_view>

namespace popyka::builtin {

// Re-indents compact JSON text for people to read, two spaces a level, without touching any
// token: numbers keep their exact digits, strings their escapes.
inline std::string indent_json(std::string_view json) {
  std::string out;
  out.reserve(json.size() * 2);
  int depth = 0;
  bool in_string = false;
  auto newline = [&] { out += '\n'; out.append(static_cast<std::size_t>(depth) * 2, ' '); };
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) out += json[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; out += c; break;
      case '{': case '[':
        out += c;
        // Keep empty containers on one line.
        if (i + 1 < json.size() && (json[i + 1] == '}' || json[i + 1] == ']')) break;
        ++depth;
        newline();
        break;
      case '}': case ']':
        if (!out.empty() && (out.back() == '{' || out.back() == '[')) { out += c; break; }
        --depth;
        newline();
        out += c;
        break;
      case ',': out += c; newline(); break;
      case ':': out += ": "; break;
      case ' ': case '\n': case '\r': case '\t': break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace popyka::builtin
