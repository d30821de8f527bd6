#include "config/interpolation.hpp"

#include <catch2/catch.hpp>

#include "config/config_error.hpp"
#include "fake_environment.hpp"

using popyka::config::ConfigFileError;
using popyka::config::interpolate;
using popyka::test::fake_environment;
using Catch::Matchers::Contains;

namespace {

const std::string kWhere = "my.yaml: processors[1].config.topic";

std::string expand(const std::string& text) {
  const auto env = fake_environment({{"NAME", "alice"}, {"EMPTY", ""}, {"OTHER", "bob"}, {"DOLLAR", "$OTHER"}});
  return interpolate(text, env, kWhere);
}

}  // namespace

TEST_CASE("interpolation leaves text without variables as it is", "[interpolation]") {
  CHECK(expand("") == "");
  CHECK(expand("plain text: 1, 2") == "plain text: 1, 2");
}

TEST_CASE("interpolation expands $VAR and ${VAR}", "[interpolation]") {
  CHECK(expand("$NAME") == "alice");
  CHECK(expand("${NAME}") == "alice");
  CHECK(expand("hi $NAME and ${OTHER}!") == "hi alice and bob!");
  CHECK(expand("${NAME}suffix") == "alicesuffix");
  CHECK(expand("$NAME.yaml") == "alice.yaml");  // a name stops at the first character it cannot hold
  CHECK(expand("$EMPTY") == "");
  CHECK(expand("${EMPTY}") == "");
}

TEST_CASE("interpolation reads $NAMEsuffix as one longer name, like bash", "[interpolation]") {
  CHECK_THROWS_WITH(expand("$NAMEsuffix"), Contains("environment variable NAMEsuffix is not set"));
}

TEST_CASE("interpolation does not expand a variable's value again", "[interpolation]") {
  CHECK(expand("$DOLLAR") == "$OTHER");
}

TEST_CASE("interpolation ${VAR:-default} uses the default when VAR is unset or empty", "[interpolation]") {
  CHECK(expand("${NAME:-fallback}") == "alice");
  CHECK(expand("${EMPTY:-fallback}") == "fallback");
  CHECK(expand("${UNSET:-fallback}") == "fallback");
  CHECK(expand("${UNSET:-}") == "");
  CHECK(expand("${UNSET:-with spaces and - dashes}") == "with spaces and - dashes");
}

TEST_CASE("interpolation ${VAR-default} uses the default only when VAR is unset", "[interpolation]") {
  CHECK(expand("${NAME-fallback}") == "alice");
  CHECK(expand("${EMPTY-fallback}") == "");
  CHECK(expand("${UNSET-fallback}") == "fallback");
}

TEST_CASE("interpolation expands variables inside a default, only when the default is used", "[interpolation]") {
  CHECK(expand("${UNSET:-${OTHER}}") == "bob");
  CHECK(expand("${UNSET:-x-$NAME-${UNSET2-y}}") == "x-alice-y");
  CHECK(expand("${NAME:-${UNSET}}") == "alice");  // the unused default's unset variable is no error
}

TEST_CASE("interpolation keeps a $ that no name follows", "[interpolation]") {
  CHECK(expand("costs $5") == "costs $5");
  CHECK(expand("ends with $") == "ends with $");
  CHECK(expand("$$") == "$$");
  CHECK(expand("a $ b") == "a $ b");
}

TEST_CASE("interpolation of an unset variable without a default names the variable and the path", "[interpolation]") {
  const std::string expected =
      "my.yaml: processors[1].config.topic: environment variable UNSET is not set (set it or write ${UNSET:-default})";
  CHECK_THROWS_AS(expand("$UNSET"), ConfigFileError);
  CHECK_THROWS_WITH(expand("$UNSET"), expected);
  CHECK_THROWS_WITH(expand("${UNSET}"), expected);
  CHECK_THROWS_WITH(expand("prefix-${UNSET}-suffix"), expected);
}

TEST_CASE("interpolation refuses malformed ${...}", "[interpolation]") {
  CHECK_THROWS_WITH(expand("${NAME"), "my.yaml: processors[1].config.topic: bad substitution '${NAME' "
                                      "(write $NAME, ${NAME}, ${NAME:-default} or ${NAME-default})");
  CHECK_THROWS_WITH(expand("${}"), Contains("bad substitution '${}'"));
  CHECK_THROWS_WITH(expand("${1ABC}"), Contains("bad substitution '${1ABC}'"));
  CHECK_THROWS_WITH(expand("${NAME:+alt}"), Contains("bad substitution '${NAME:+alt}'"));
}
