#include "core/yaml_load.hpp"

#include <string>

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include "core/config.hpp"
#include "support/yaml_bomb.hpp"

namespace agentry {

namespace {

/// The message of load_yaml's exception for `text`, or "" when it loads.
std::string refusal(const std::string& text, const YamlBudget& budget = {}) {
  try {
    (void)load_yaml(text, budget);
    return "";
  } catch (const YAML::Exception& e) {
    return std::to_string(e.mark.line + 1) + ": " + e.msg;
  }
}

}  // namespace

TEST_CASE("a billion laughs is refused before it is built, at the line that goes over") {
  std::string bomb = testing::yaml_bomb();
  CHECK(bomb.size() < 700);
  std::string message = refusal(bomb);
  // l0..l5 expand to 9^5 = 59,049 scalars; l6 to 531,441; l7 crosses a million.
  CHECK(message.starts_with("8: more than 1000000 nodes once aliases are expanded"));
  CHECK(message.find("alias bomb") != std::string::npos);
}

TEST_CASE("aliases count at the full size of what they repeat, nodes and bytes") {
  std::string doc = "a: &x [\"12345\", \"67890\"]\nb: *x\nc: *x\n";
  // The mapping; a, [..], two scalars: 4 nodes; b and c: 1 key + 3 nodes each. 10 bytes per list
  // and 3 keys of 1.
  CHECK(refusal(doc, {13, 1000}) == "");
  CHECK(refusal(doc, {12, 1000}).starts_with("3: more than 12 nodes"));
  CHECK(refusal(doc, {100, 33}) == "");
  CHECK(refusal(doc, {100, 32}).starts_with("3: more than 32 bytes of text"));
}

TEST_CASE("a document with no anchor is measured when its size could pass the budget") {
  // Without `&` no alias can repeat anything, so only a document larger than a quarter of the
  // node budget can go over it: that one is still measured, and refused.
  std::string many;
  for (int i = 0; i < 200; ++i)
    many += "- x\n";
  CHECK(refusal(many, {.nodes = 100, .bytes = 1 << 20}).find("more than 100 nodes") !=
        std::string::npos);
  CHECK(refusal(many, {.nodes = 1000, .bytes = 1 << 20}).empty());
  CHECK(refusal("? \n? \n? \n", {.nodes = 40, .bytes = 1 << 20}).empty());
  CHECK_FALSE(refusal("? \n? \n? \n? \n? \n? \n", {.nodes = 8, .bytes = 1 << 20}).empty());
  CHECK(refusal(many, {.nodes = 1000, .bytes = 100}).find("more than 100 bytes") !=
        std::string::npos);
}

TEST_CASE("an alias to the node that holds it is a cycle, not an endless walk") {
  CHECK(refusal("a: &x [1, *x]\n").find("a cycle") != std::string::npos);
  CHECK(refusal("a: &x {k: *x}\n").find("a cycle") != std::string::npos);
}

TEST_CASE("ordinary documents, anchors and errors read as YAML::Load reads them") {
  auto node = load_yaml("base: &b {x: 1}\nuse: *b\nlist: [a, b]\n");
  CHECK(node["use"]["x"].as<int>() == 1);
  CHECK(node["list"].size() == 2);
  CHECK(load_yaml("").IsNull());
  CHECK(refusal("a: *nowhere\n").find("anchor") != std::string::npos);
  CHECK_THROWS_AS((void)load_yaml("a: [1, 2\n"), YAML::Exception);
  // Only the first document is read (as YAML::Load does), so a bomb after it costs nothing.
  CHECK(load_yaml("a: 1\n---\n" + testing::yaml_bomb())["a"].as<int>() == 1);
}

TEST_CASE("yaml_to_json and the config refuse a bomb naming the file and line") {
  auto json = yaml_to_json(testing::yaml_bomb(), "tasks.yaml");
  REQUIRE_FALSE(json);
  CHECK(json.error().where.starts_with("tasks.yaml:8:"));
  CHECK(json.error().message.find("once aliases are expanded") != std::string::npos);

  auto config = Config::from_yaml(testing::yaml_bomb(), "/p/.agentry/config.yaml");
  REQUIRE_FALSE(config);
  CHECK(config.error().where.starts_with("/p/.agentry/config.yaml:8:"));
}

}  // namespace agentry
