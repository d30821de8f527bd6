#include "config/secrets.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace popyka::config {
namespace {

struct Span {
  std::size_t begin, end;  // [begin, end) of a password in the DSN, as written
  std::string value;       // as libpq reads it (quotes, escapes, percent-encoding resolved)
};

std::optional<std::string> percent_decoded(std::string_view text);

bool starts_with_uri_scheme(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// libpq's URI: `scheme://[user[:password]@]host...[?param=value&...]`. The credentials end at
// the first `@` before any `/`; `password=` may also come as a query parameter.
void uri_passwords(std::string_view uri, std::size_t offset, std::vector<Span>& out) {
  const std::size_t start = uri.find("://") + 3;
  std::size_t at = start;
  while (at < uri.size() && uri[at] != '@' && uri[at] != '/') ++at;
  if (at < uri.size() && uri[at] == '@') {
    const std::size_t colon = uri.substr(start, at - start).find(':');
    if (colon != std::string_view::npos) {
      const std::string_view raw = uri.substr(start + colon + 1, at - start - colon - 1);
      out.push_back({offset + start + colon + 1, offset + at, percent_decoded(raw).value_or(std::string(raw))});
    }
  }
  const std::size_t query = uri.find('?');
  if (query == std::string_view::npos) return;
  for (std::size_t i = query + 1; i < uri.size();) {
    std::size_t end = uri.find('&', i);
    if (end == std::string_view::npos) end = uri.size();
    const std::string_view param = uri.substr(i, end - i);
    if (const std::size_t equals = param.find('='); equals != std::string_view::npos && lower(param.substr(0, equals)) == "password")
      out.push_back({offset + i + equals + 1, offset + end,
                     percent_decoded(param.substr(equals + 1)).value_or(std::string(param.substr(equals + 1)))});
    i = end + 1;
  }
}

// libpq's key=value form: `key = value` pairs separated by white space; a value is either
// single-quoted (backslash escapes `'` and `\`) or runs to the next white space (backslash
// escapes too). A value of dbname may itself be a URI or key=value string (expand_dbname).
void keyword_passwords(std::string_view dsn, std::size_t offset, std::vector<Span>& out, int depth) {
  std::size_t i = 0;
  while (i < dsn.size()) {
    while (i < dsn.size() && is_space(dsn[i])) ++i;
    const std::size_t key_begin = i;
    while (i < dsn.size() && dsn[i] != '=' && !is_space(dsn[i])) ++i;
    const std::string key = lower(dsn.substr(key_begin, i - key_begin));
    while (i < dsn.size() && is_space(dsn[i])) ++i;
    if (i >= dsn.size() || dsn[i] != '=') {
      // Not a key=value pair (libpq refuses it); whatever follows could still be a password.
      if (i == key_begin) ++i;
      continue;
    }
    ++i;
    while (i < dsn.size() && is_space(dsn[i])) ++i;
    const std::size_t value_begin = i;
    std::string value;
    if (i < dsn.size() && dsn[i] == '\'') {
      for (++i; i < dsn.size() && dsn[i] != '\''; ++i) {
        if (dsn[i] == '\\' && i + 1 < dsn.size()) ++i;
        value += dsn[i];
      }
      if (i < dsn.size()) ++i;  // the closing quote
    } else {
      for (; i < dsn.size() && !is_space(dsn[i]); ++i) {
        if (dsn[i] == '\\' && i + 1 < dsn.size()) ++i;
        value += dsn[i];
      }
    }
    if (key == "password") {
      out.push_back({offset + value_begin, offset + i, value});
    } else if (key == "dbname" && depth < 2 && (starts_with_uri_scheme(value) || value.find('=') != std::string::npos)) {
      // Only exact when the value was written without quotes or escapes; then it is the text itself.
      if (dsn.substr(value_begin, i - value_begin) == value) {
        if (starts_with_uri_scheme(value)) uri_passwords(value, offset + value_begin, out);
        else keyword_passwords(value, offset + value_begin, out, depth + 1);
      }
    }
  }
}

std::vector<Span> password_spans(std::string_view dsn) {
  std::vector<Span> spans;
  const std::size_t first = dsn.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return spans;
  if (starts_with_uri_scheme(dsn.substr(first))) uri_passwords(dsn.substr(first), first, spans);
  else keyword_passwords(dsn, 0, spans, 0);
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  return spans;
}

std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

void add_secret(std::vector<std::string>& secrets, std::string value) {
  if (!value.empty() && std::find(secrets.begin(), secrets.end(), value) == secrets.end()) secrets.push_back(std::move(value));
}

// `under_producer_config`: inside a `producer_config` mapping, where `key` names a secret too.
void config_secrets(const sdk::Config& node, bool under_producer_config, std::vector<std::string>& out, int depth = 0) {
  if (depth > 64) return;
  if (node.is_list()) {
    for (const sdk::Config& item : node.items()) config_secrets(item, under_producer_config, out, depth + 1);
    return;
  }
  if (!node.is_map()) return;
  for (const auto& [name, value] : node.entries()) {
    const std::string key = lower(name);
    const bool secret = key.find("password") != std::string::npos || key.find("secret") != std::string::npos ||
                        (under_producer_config && is_secret_name(name));
    if (secret && value.is_scalar()) add_secret(out, value.as_string());
    else config_secrets(value, under_producer_config || key == "producer_config", out, depth + 1);
  }
}

}  // namespace

std::string redact_dsn(std::string_view dsn) {
  std::string out;
  std::size_t copied = 0;
  for (const Span& span : password_spans(dsn)) {
    if (span.begin < copied) continue;
    out.append(dsn.substr(copied, span.begin - copied));
    out.append(kRedacted);
    copied = span.end;
  }
  out.append(dsn.substr(copied));
  return out;
}

std::vector<std::string> dsn_passwords(std::string_view dsn) {
  std::vector<std::string> secrets;
  for (const Span& span : password_spans(dsn)) {
    add_secret(secrets, std::string(dsn.substr(span.begin, span.end - span.begin)));
    add_secret(secrets, span.value);
  }
  return secrets;
}

bool is_secret_name(std::string_view name) {
  const std::string key = lower(name);
  return key.find("password") != std::string::npos || key.find("secret") != std::string::npos ||
         key.find("key") != std::string::npos;
}

std::vector<std::string> secrets_of(const PipelineConfig& config) {
  std::vector<std::string> secrets = dsn_passwords(config.database.connect_url);
  auto component = [&](const ComponentSpec& spec) { config_secrets(spec.config, false, secrets); };
  for (const auto& filter : config.filters) component(filter);
  for (const auto& processor : config.processors) {
    component(processor);
    for (const auto& filter : processor.filters) component(filter);
    for (const auto& handler : processor.error_handlers) component(handler);
  }
  return secrets;
}

}  // namespace popyka::config
