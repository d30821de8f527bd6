// `format: debezium`'s logical decoding messages (op m): sent only when asked for, by prefix,
// with Debezium's message.prefix.include.list / exclude.list semantics (regular expressions
// matching the whole prefix, case-insensitively), and the value's shape per Debezium release.
#include <catch2/catch.hpp>

#include <popyka/sdk/errors.hpp>

#include "debezium_fixture.hpp"

using namespace popyka::test;
namespace dbz = popyka::kafka::debezium;

namespace {

std::unique_ptr<TestChange> message(const std::string& prefix, bool transactional = true) {
  return change_from_wal2json(R"({"action":"M","xid":732,"timestamp":"2026-11-30 11:08:13.304449+01","transactional":)" +
                                  std::string(transactional ? "true" : "false") + R"(,"prefix":")" + prefix + R"(","content":"bar"})",
                              22924100);
}

// Which of `prefixes` become an event under `settings`.
std::vector<std::string> sent(const dbz::DebeziumSettings& settings, const std::vector<std::string>& prefixes) {
  dbz::EventWriter writer(settings, &fixed_now_ns);
  std::vector<std::string> out;
  for (const std::string& p : prefixes) {
    const auto m = message(p);
    const auto records = writer.write(*m);
    if (!records.empty()) out.push_back(Json(records[0].value).at("/message/prefix"));
  }
  return out;
}

dbz::DebeziumSettings with_list(const std::string& key, const std::string& list) {
  auto settings = debezium_settings();
  settings.messages = dbz::MessagePrefixFilter::from(config_of({{key, list}}));
  return settings;
}

}  // namespace

TEST_CASE("debezium: no logical decoding message is sent unless a prefix list asks for them", "[debezium][messages]") {
  CHECK(sent(debezium_settings(), {"app", "foo"}).empty());
}

TEST_CASE("debezium: message_prefix_include_list sends the prefixes one of its expressions matches whole, any case",
          "[debezium][messages]") {
  const auto settings = with_list("message_prefix_include_list", R"(app\..*, Foo,x{1\,2})");
  CHECK(sent(settings, {"app.orders", "app", "FOO", "foo.bar", "xfoo", "xx", "xxx"}) ==
        std::vector<std::string>{R"("app.orders")", R"("FOO")", R"("xx")"});
}

TEST_CASE("debezium: message_prefix_exclude_list sends every prefix but those it matches", "[debezium][messages]") {
  const auto settings = with_list("message_prefix_exclude_list", "audit.*");
  CHECK(sent(settings, {"app", "audit", "Audit.login", "my.audit"}) == std::vector<std::string>{R"("app")", R"("my.audit")"});
}

TEST_CASE("debezium: a message prefix list that is not valid says which key and what to do", "[debezium][messages]") {
  using popyka::sdk::ConfigError;
  CHECK_THROWS_WITH(dbz::MessagePrefixFilter::from(config_of({{"message_prefix_include_list", "a"}, {"message_prefix_exclude_list", "b"}})),
                    Catch::Contains("config.message_prefix_exclude_list") && Catch::Contains("keep one of the two"));
  CHECK_THROWS_WITH(dbz::MessagePrefixFilter::from(config_of({{"message_prefix_include_list", "app(,b"}})),
                    Catch::Contains("config.message_prefix_include_list") && Catch::Contains("'app(' is not a regular expression"));
  CHECK_THROWS_AS(dbz::MessagePrefixFilter::from(config_of({{"message_prefix_exclude_list", " , "}})), ConfigError);
}

TEST_CASE("debezium: a message's value has the transaction block from Debezium 3.0 on, not before", "[debezium][messages]") {
  auto settings = with_list("message_prefix_include_list", "foo");
  settings.release = {2, 7};
  settings.schemas = true;
  dbz::EventWriter before(settings, &fixed_now_ns);
  const auto m = message("foo");
  const Json old(before.write(*m)[0].value);
  CHECK_FALSE(old.has("/payload/transaction"));
  CHECK(old.at("/schema/fields/3/name") == R"("io.debezium.connector.postgresql.Message")");
  settings.release = {3, 0};
  dbz::EventWriter from30(settings, &fixed_now_ns);
  const Json now(from30.write(*m)[0].value);
  CHECK(now.at("/payload/transaction") == "null");
  CHECK(now.at("/schema/fields/3/field") == R"("transaction")");
}
