#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/formatter.h>

// Keeping secrets (passwords from the config, see config/secrets.hpp) out of what popyka prints.
namespace popyka::runtime {

// `text` with every occurrence of each secret replaced by ****.
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

// Adds secrets to the process's list: from then on every log line (the logger configure_logging
// sets up) and every redact_secrets() result has them replaced by ****. Thread-safe.
void hide_secrets(const std::vector<std::string>& secrets);

// `text` without any secret hide_secrets() was given: for what goes to stderr or stdout directly.
std::string redact_secrets(std::string_view text);

// Wraps a formatter: the message is scrubbed of hidden secrets before `inner` formats it.
class RedactingFormatter final : public spdlog::formatter {
 public:
  explicit RedactingFormatter(std::unique_ptr<spdlog::formatter> inner) : inner_(std::move(inner)) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::unique_ptr<spdlog::formatter> inner_;
};

}  // namespace popyka::runtime
