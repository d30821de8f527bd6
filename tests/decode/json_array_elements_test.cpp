#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "decode/json_array_elements.hpp"

using popyka::decode::json_array_elements;

namespace {

std::vector<std::string> elements_of(std::string_view text) {
  std::vector<std::string_view> elements;
  REQUIRE(json_array_elements(text, elements));
  return {elements.begin(), elements.end()};
}

bool ends(std::string_view text) {
  std::vector<std::string_view> elements;
  return json_array_elements(text, elements).has_value();
}

}  // namespace

TEST_CASE("json_array_elements: each element's exact text, and where the array ends", "[json_array]") {
  const std::string text = R"([{"name":"a","value":1}, {"name":"b","value":[1,{"x":2}]} ,"s",null],"pk":[])";
  std::vector<std::string_view> elements = {"left over from before"};
  const auto length = json_array_elements(text, elements);
  REQUIRE(length);
  CHECK(elements == std::vector<std::string_view>{R"({"name":"a","value":1})", R"({"name":"b","value":[1,{"x":2}]})", R"("s")", "null"});
  CHECK(text.substr(0, *length) == R"([{"name":"a","value":1}, {"name":"b","value":[1,{"x":2}]} ,"s",null])");
}

TEST_CASE("json_array_elements: brackets, braces, commas and quotes inside strings are text", "[json_array]") {
  CHECK(elements_of(R"(["a],[b", "{\"q\":1}", "back\\", "\\\"]", "x"])") ==
        std::vector<std::string>{R"("a],[b")", R"("{\"q\":1}")", R"("back\\")", R"("\\\"]")", R"("x")"});
  CHECK(elements_of(R"([{"name":"we\"ird, name","value":"]"}])") == std::vector<std::string>{R"({"name":"we\"ird, name","value":"]"})"});
}

TEST_CASE("json_array_elements: an empty array, white space", "[json_array]") {
  std::vector<std::string_view> elements;
  CHECK(json_array_elements("[ \n ] tail", elements) == 5u);
  CHECK(elements.empty());
  CHECK(elements_of("[ 1 ,\t2\n]") == std::vector<std::string>{"1", "2"});
}

TEST_CASE("json_array_elements: no array, or one that does not end, is nullopt", "[json_array]") {
  CHECK_FALSE(ends(""));
  CHECK_FALSE(ends(R"({"a":1})"));
  CHECK_FALSE(ends("[1,2"));
  CHECK_FALSE(ends(R"(["open)"));
  CHECK_FALSE(ends(R"(["ends in a backslash\)"));
  CHECK_FALSE(ends(R"([{"a":[1,2]})"));
}
