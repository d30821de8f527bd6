#include "config/interpolation.hpp"

#include <optional>

#include "config/config_error.hpp"

namespace popyka::config {
namespace {

// Names as bash reads them: a letter or `_`, then letters, digits and `_` (ASCII only).
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// Length of the variable name `text` starts with; 0 when it starts with none.
std::size_t name_length(std::string_view text) {
  if (text.empty() || !is_name_start(text[0])) return 0;
  std::size_t n = 1;
  while (n < text.size() && is_name_char(text[n])) ++n;
  return n;
}

// Index of the `}` that closes a `${` whose body starts at `from`. A default may hold its own
// `${...}` (`${A:-${B}}`), so inner pairs are skipped.
std::optional<std::size_t> closing_brace(std::string_view text, std::size_t from) {
  int depth = 0;
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (text[i] == '}') {
      if (depth == 0) return i;
      --depth;
    }
  }
  return std::nullopt;
}

class Expander {
 public:
  Expander(const Environment& env, const std::string& where) : env_(env), where_(where) {}

  std::string expand(std::string_view text) const {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
      if (text[i] != '$') {
        out += text[i++];
      } else if (i + 1 < text.size() && text[i + 1] == '{') {
        std::optional<std::size_t> close = closing_brace(text, i + 2);
        if (!close) bad_substitution(text.substr(i));
        out += braced(text.substr(i + 2, *close - i - 2));
        i = *close + 1;
      } else if (std::size_t n = name_length(text.substr(i + 1)); n > 0) {
        out += required(std::string(text.substr(i + 1, n)));
        i += 1 + n;
      } else {
        out += text[i++];  // a `$` without a name after it is just a dollar sign
      }
    }
    return out;
  }

 private:
  // The inside of `${...}`: NAME, NAME:-default or NAME-default.
  std::string braced(std::string_view body) const {
    const std::size_t n = name_length(body);
    if (n == 0) bad_substitution("${" + std::string(body) + "}");
    const std::string name(body.substr(0, n));
    const std::string_view rest = body.substr(n);
    if (rest.empty()) return required(name);

    const std::optional<std::string> value = env_(name);
    // Like bash, the default is expanded only when it is used.
    if (rest.starts_with(":-")) return value && !value->empty() ? *value : expand(rest.substr(2));
    if (rest.starts_with("-")) return value ? *value : expand(rest.substr(1));
    bad_substitution("${" + std::string(body) + "}");
  }

  std::string required(const std::string& name) const {
    if (std::optional<std::string> value = env_(name)) return *value;
    throw ConfigFileError(where_ + ": environment variable " + name + " is not set (set it or write ${" + name +
                          ":-default})");
  }

  [[noreturn]] void bad_substitution(std::string_view expression) const {
    throw ConfigFileError(where_ + ": bad substitution '" + std::string(expression) +
                          "' (write $NAME, ${NAME}, ${NAME:-default} or ${NAME-default})");
  }

  const Environment& env_;
  const std::string& where_;
};

}  // namespace

std::string interpolate(std::string_view text, const Environment& env, const std::string& where) {
  return Expander(env, where).expand(text);
}

}  // namespace popyka::config
