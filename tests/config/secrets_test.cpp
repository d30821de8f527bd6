// Secrets in the config never reach what popyka prints: the DSN's password (URI and key=value),
// producer_config properties naming a password, secret or key, and the log scrubbing built on them.
#include <catch2/catch.hpp>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "config/config_loader.hpp"
#include "config/secrets.hpp"
#include "fake_environment.hpp"
#include "runtime/redaction.hpp"

using namespace popyka::config;
using Catch::Matchers::VectorContains;

TEST_CASE("redact_dsn masks the password of a URI") {
  CHECK(redact_dsn("postgresql://u:secret@h/db") == "postgresql://u:****@h/db");
  CHECK(redact_dsn("postgres://user:s%40c:r@127.0.0.1:5432,h2:5433/db?sslmode=verify-full") ==
        "postgres://user:****@127.0.0.1:5432,h2:5433/db?sslmode=verify-full");
  CHECK(redact_dsn("postgresql://u@h/db?sslmode=require&password=secret&application_name=a") ==
        "postgresql://u@h/db?sslmode=require&password=****&application_name=a");
  CHECK(redact_dsn("postgresql://u:@h/db") == "postgresql://u:****@h/db");
  // No password, nothing to change; an `@` after the host part is not a user name.
  CHECK(redact_dsn("postgresql://u@h/db") == "postgresql://u@h/db");
  CHECK(redact_dsn("postgresql://h/db?user=a:b@c") == "postgresql://h/db?user=a:b@c");
  CHECK(redact_dsn("") == "");
}

TEST_CASE("redact_dsn masks the password of a key=value string, quoted or not") {
  CHECK(redact_dsn("host=h password=secret dbname=db") == "host=h password=**** dbname=db");
  CHECK(redact_dsn("PASSWORD = secret") == "PASSWORD = ****");
  CHECK(redact_dsn("host=h password='se cr\\'et' user=u") == "host=h password=**** user=u");
  CHECK(redact_dsn("password=a\\ b sslmode=verify-full") == "password=**** sslmode=verify-full");
  CHECK(redact_dsn("password='unterminated") == "password=****");
  CHECK(redact_dsn("dbname=postgresql://u:pw@h/db") == "dbname=postgresql://u:****@h/db");
  CHECK(redact_dsn("host=h user=password") == "host=h user=password");
}

TEST_CASE("dsn_passwords gives the password as written and as libpq reads it") {
  CHECK_THAT(dsn_passwords("postgresql://u:s%40cret@h/db"), VectorContains(std::string("s%40cret")));
  CHECK_THAT(dsn_passwords("postgresql://u:s%40cret@h/db"), VectorContains(std::string("s@cret")));
  CHECK_THAT(dsn_passwords("postgresql://u:bad%zz@h/db"), VectorContains(std::string("bad%zz")));
  CHECK_THAT(dsn_passwords("password='se cr\\'et'"), VectorContains(std::string("se cr'et")));
  CHECK_THAT(dsn_passwords("password='se cr\\'et'"), VectorContains(std::string("'se cr\\'et'")));
  CHECK(dsn_passwords("host=h user=u").empty());
}

TEST_CASE("producer_config properties naming a password, secret or key are secret") {
  for (const char* name : {"sasl.password", "ssl.key.password", "ssl.key.pem", "ssl.keystore.password",
                           "sasl.oauthbearer.client.secret", "SASL.PASSWORD"})
    CHECK(is_secret_name(name));
  for (const char* name : {"bootstrap.servers", "client.id", "security.protocol", "sasl.username"})
    CHECK_FALSE(is_secret_name(name));
}

TEST_CASE("secrets_of finds the DSN's password and the secret config values") {
  const auto env = popyka::test::fake_environment({{"DSN", "host=h password=PgSecret"}, {"KP", "KafkaSecret"}});
  const PipelineConfig config = parse_pipeline_config(R"(
database: {connect_url: "${DSN}", slot_name: s}
filters: [{class: f, config: {api_secret: FilterSecret}}]
processors:
  - class: p
    config:
      key: primary_key
      producer_config: {bootstrap.servers: b, sasl.password: "${KP}", ssl.key.pem: Pem, nested: {x: 1}}
)",
                                                      "my.yaml", env);
  const std::vector<std::string> secrets = secrets_of(config);
  CHECK_THAT(secrets, VectorContains(std::string("PgSecret")));
  CHECK_THAT(secrets, VectorContains(std::string("KafkaSecret")));
  CHECK_THAT(secrets, VectorContains(std::string("Pem")));
  CHECK_THAT(secrets, VectorContains(std::string("FilterSecret")));
  // The Kafka processor's `key:` setting is not a producer_config property: not a secret.
  CHECK_FALSE(std::find(secrets.begin(), secrets.end(), "primary_key") != secrets.end());
  CHECK_FALSE(std::find(secrets.begin(), secrets.end(), "b") != secrets.end());
}

TEST_CASE("redact replaces every occurrence, the longest secret first") {
  using popyka::runtime::redact;
  CHECK(redact("a secret and secret2 and secret", {"secret", "secret2"}) == "a **** and **** and ****");
  CHECK(redact("nothing here", {"", "x y"}) == "nothing here");
  CHECK(redact("aaaa", {"a"}) == "****************");
}

TEST_CASE("log lines and redact_secrets lose every hidden secret") {
  std::ostringstream out;
  auto logger = std::make_shared<spdlog::logger>("secrets_test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  logger->set_formatter(std::make_unique<popyka::runtime::RedactingFormatter>(std::make_unique<spdlog::pattern_formatter>("%v")));
  popyka::runtime::hide_secrets({"HiddenPw1", "s%40c"});
  logger->info("connecting with password=HiddenPw1 to postgresql://u:s%40c@h/db");
  CHECK(out.str() == "connecting with password=**** to postgresql://u:****@h/db\n");
  CHECK(popyka::runtime::redact_secrets("error: HiddenPw1") == "error: ****");
}
