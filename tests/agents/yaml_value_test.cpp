#include "agents/yaml_value.hpp"

#include <doctest/doctest.h>

namespace agentry::agents {

namespace {
YamlValue scalar(std::string text, bool plain = true) {
  YamlValue v;
  v.kind = YamlValue::Kind::kScalar;
  v.text = std::move(text);
  v.plain = plain;
  return v;
}
}  // namespace

TEST_CASE("plain scalars resolve as the YAML 1.2 core schema says") {
  CHECK(resolve_plain("") == PlainType::kNull);
  CHECK(resolve_plain("~") == PlainType::kNull);
  CHECK(resolve_plain("Null") == PlainType::kNull);
  CHECK(resolve_plain("true") == PlainType::kBool);
  CHECK(resolve_plain("FALSE") == PlainType::kBool);
  CHECK(resolve_plain("yes") == PlainType::kString);
  CHECK(resolve_plain("42") == PlainType::kInt);
  CHECK(resolve_plain("-7") == PlainType::kInt);
  CHECK(resolve_plain("0x1F") == PlainType::kInt);
  CHECK(resolve_plain("0.5") == PlainType::kFloat);
  CHECK(resolve_plain(".5e3") == PlainType::kFloat);
  CHECK(resolve_plain("-.inf") == PlainType::kFloat);
  CHECK(resolve_plain("1.2.3") == PlainType::kString);
  CHECK(resolve_plain("2024 roadmap") == PlainType::kString);
}

TEST_CASE("numbers and booleans are read from scalars") {
  CHECK(as_number(scalar("0.3")) == doctest::Approx(0.3));
  CHECK(as_number(scalar("2")) == doctest::Approx(2.0));
  CHECK(as_number(scalar("0x10")) == doctest::Approx(16.0));
  CHECK(as_number(scalar("0.3", false)) == doctest::Approx(0.3));
  CHECK_FALSE(as_number(scalar("warm")).has_value());
  CHECK(as_bool(scalar("True")) == true);
  CHECK(as_bool(scalar("false")) == false);
  CHECK_FALSE(as_bool(scalar("true", false)).has_value());
  CHECK_FALSE(as_bool(scalar("yes")).has_value());
}

TEST_CASE("type names for messages") {
  CHECK(std::string(type_name(scalar("42"))) == "number");
  CHECK(std::string(type_name(scalar("42", false))) == "string");
  CHECK(std::string(type_name(scalar("true"))) == "boolean");
  CHECK(std::string(type_name(YamlValue{})) == "null");
}

TEST_CASE("JSON keeps YAML's types and the first of duplicate keys") {
  YamlValue map;
  map.kind = YamlValue::Kind::kMapping;
  map.entries.emplace_back(scalar("n"), scalar("3"));
  map.entries.emplace_back(scalar("f"), scalar("0.5"));
  map.entries.emplace_back(scalar("b"), scalar("true"));
  map.entries.emplace_back(scalar("s"), scalar("42", false));
  map.entries.emplace_back(scalar("z"), YamlValue{});
  map.entries.emplace_back(scalar("n"), scalar("4"));
  YamlValue list;
  list.kind = YamlValue::Kind::kSequence;
  list.items = {scalar("a"), scalar("1")};
  map.entries.emplace_back(scalar("l"), list);
  CHECK(to_json(map) ==
        nlohmann::json::parse(
            R"({"n": 3, "f": 0.5, "b": true, "s": "42", "z": null, "l": ["a", 1]})"));
}

}  // namespace agentry::agents
