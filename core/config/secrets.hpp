#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "config/pipeline_config.hpp"

// Secrets in the config: the password in database.connect_url, and producer_config properties
// (or any config key) that name a password, secret or key. They must never reach logs, errors,
// --check-config output or metrics: runtime::hide_secrets(secrets_of(config)) has every log
// line and error popyka-host prints scrubbed of them (runtime/redaction.hpp).
namespace popyka::config {

inline constexpr std::string_view kRedacted = "****";

// The connection string with its password replaced by ****, in both libpq forms:
// `postgresql://user:PASSWORD@host/db?password=PASSWORD` and `password=PASSWORD` /
// `password = 'QUOTED \' PASSWORD'` (key=value). Everything else is kept, so the result still
// says which host, user and database were meant.
std::string redact_dsn(std::string_view dsn);

// The password(s) the connection string holds, as written and, for a URI, percent-decoded:
// what must be scrubbed from a message libpq wrote about it.
std::vector<std::string> dsn_passwords(std::string_view dsn);

// True for a config key whose value is a secret: its name contains `password`, `secret` or
// `key` in any case (sasl.password, ssl.key.password, ssl.key.pem, sasl.oauthbearer.client.secret).
bool is_secret_name(std::string_view name);

// Every secret value in the config: the DSN's password(s), and the values under secret names in
// every component's `producer_config` mapping, and under names containing `password` or `secret`
// anywhere in a component's config.
std::vector<std::string> secrets_of(const PipelineConfig& config);

}  // namespace popyka::config
