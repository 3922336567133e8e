#include "tools/schema_validator.hpp"

#include <doctest/doctest.h>

namespace agentry::tools {

using nlohmann::json;

namespace {

const json kSchema = json::parse(R"({
  "type": "object",
  "properties": {
    "path": {"type": "string"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    "ratio": {"type": "number"},
    "all": {"type": "boolean"},
    "mode": {"type": "string", "enum": ["check", "apply"]},
    "features": {"type": "array", "items": {"type": "string"}}
  },
  "required": ["path"],
  "additionalProperties": false
})");

}  // namespace

TEST_CASE("valid arguments pass") {
  CHECK_FALSE(validate_arguments(kSchema, {{"path", "a"}}));
  CHECK_FALSE(
      validate_arguments(kSchema, json::parse(R"({"path":"a","limit":5,"ratio":0.5,"all":true,
      "mode":"apply","features":["x","y"]})")));
  CHECK_FALSE(validate_arguments(kSchema, json::parse(R"({"path":"a","limit":5.0})")));
}

TEST_CASE("every problem is listed in one message for the model") {
  auto msg = validate_arguments(kSchema, json::parse(R"({"limit":"ten","extra":1})"));
  REQUIRE(msg);
  CHECK(
      *msg ==
      "rewrite your input: `path` is required; `extra` is not a parameter (allowed: all, features, "
      "limit, mode, path, ratio); `limit` must be an integer (got \"ten\")");
}

TEST_CASE("bounds, enums, items and types are checked") {
  CHECK(*validate_arguments(kSchema, {{"path", "a"}, {"limit", 0}}) ==
        "rewrite your input: `limit` must be >= 1 (got 0)");
  CHECK(*validate_arguments(kSchema, {{"path", "a"}, {"limit", 101}}) ==
        "rewrite your input: `limit` must be <= 100 (got 101)");
  CHECK(*validate_arguments(kSchema, {{"path", "a"}, {"limit", 1.5}}) ==
        "rewrite your input: `limit` must be an integer (got 1.5)");
  CHECK(*validate_arguments(kSchema, {{"path", "a"}, {"mode", "fix"}}) ==
        "rewrite your input: `mode` must be one of \"check\", \"apply\" (got \"fix\")");
  CHECK(*validate_arguments(kSchema, {{"path", "a"}, {"features", {"x", 2}}}) ==
        "rewrite your input: `features[1]` must be a string (got 2)");
  CHECK(*validate_arguments(kSchema, {{"path", "a"}, {"all", "yes"}}) ==
        "rewrite your input: `all` must be a boolean (got \"yes\")");
  CHECK(*validate_arguments(kSchema, json::array()) ==
        "rewrite your input: the input must be an object (got [])");
}

TEST_CASE("schemas outside the supported subset are rejected") {
  CHECK(check_schema(kSchema, "x.yaml"));
  auto bad = check_schema(
      json::parse(R"({"type":"object","properties":{"p":{"type":"string","pattern":"a+"}}})"),
      "x.yaml");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "schema p: unsupported keyword `pattern`");
  CHECK(bad.error().where == "x.yaml");
  CHECK_FALSE(
      check_schema(json::parse(R"({"type":"object","required":["q"],"properties":{}})"), "x"));
  CHECK_FALSE(check_schema(json::parse(R"({"type":"null"})"), "x"));
  CHECK_FALSE(check_schema(json::parse(R"({"type":"object","additionalProperties":true})"), "x"));
}

}  // namespace agentry::tools
