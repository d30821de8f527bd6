#include "runtime/redaction.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>

namespace popyka::runtime {
namespace {

constexpr std::string_view kRedacted = "****";

std::mutex secrets_mutex;
std::vector<std::string> hidden;              // guarded by secrets_mutex
std::atomic<bool> any_hidden{false};          // lets log lines skip the lock while there is none

}  // namespace

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  // Longest first, so a secret that contains another is replaced whole.
  std::vector<const std::string*> ordered;
  for (const std::string& secret : secrets)
    if (!secret.empty()) ordered.push_back(&secret);
  std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->size() > b->size(); });
  for (const std::string* secret : ordered) {
    for (std::size_t at = out.find(*secret); at != std::string::npos; at = out.find(*secret, at + kRedacted.size()))
      out.replace(at, secret->size(), kRedacted);
  }
  return out;
}

void hide_secrets(const std::vector<std::string>& secrets) {
  std::lock_guard lock(secrets_mutex);
  for (const std::string& secret : secrets)
    if (!secret.empty() && std::find(hidden.begin(), hidden.end(), secret) == hidden.end()) hidden.push_back(secret);
  any_hidden = !hidden.empty();
}

std::string redact_secrets(std::string_view text) {
  if (!any_hidden) return std::string(text);
  std::lock_guard lock(secrets_mutex);
  return redact(text, hidden);
}

namespace {

bool has_secret(std::string_view text) {
  std::lock_guard lock(secrets_mutex);
  return std::any_of(hidden.begin(), hidden.end(), [&](const std::string& secret) { return text.find(secret) != std::string_view::npos; });
}

}  // namespace

void RedactingFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const std::string_view payload(msg.payload.data(), msg.payload.size());
  // Most lines hold no secret: those are formatted without a copy (a change's log line per row).
  if (!any_hidden || !has_secret(payload)) return inner_->format(msg, dest);
  const std::string scrubbed = redact_secrets(payload);
  spdlog::details::log_msg copy = msg;
  copy.payload = spdlog::string_view_t(scrubbed.data(), scrubbed.size());
  inner_->format(copy, dest);
}

std::unique_ptr<spdlog::formatter> RedactingFormatter::clone() const {
  return std::make_unique<RedactingFormatter>(inner_->clone());
}

}  // namespace popyka::runtime
