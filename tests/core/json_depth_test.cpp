#include "core/json_depth.hpp"

#include <string>

#include <doctest/doctest.h>

namespace agentry {

TEST_CASE("json nesting depth counts brackets outside strings") {
  CHECK(json_nesting_depth("") == 0);
  CHECK(json_nesting_depth("42") == 0);
  CHECK(json_nesting_depth(R"({"a":[1,{"b":[]}]})") == 4);
  CHECK(json_nesting_depth(R"({"a":"[[[[{{{{"})") == 1);
  CHECK(json_nesting_depth(R"({"a":"\"[[[["})") == 1);
  CHECK(json_nesting_depth(R"(["\\",[[]]])") == 3);
  CHECK(json_nesting_depth("]]]][") == 1);
}

TEST_CASE("json nested 100000 levels deep is too deep and the scan stops early") {
  std::string deep(100'000, '[');
  deep += std::string(100'000, ']');
  CHECK(json_too_deep(deep));
  CHECK(json_nesting_depth(deep) == kMaxJsonDepth + 1);
  std::string at_limit(kMaxJsonDepth, '{');
  CHECK_FALSE(json_too_deep(at_limit));
  CHECK(json_too_deep(at_limit + "["));
  CHECK(json_too_deep_message() == "JSON nested deeper than 512 levels");
}

}  // namespace agentry
