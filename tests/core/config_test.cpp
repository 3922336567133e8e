#include "core/config.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "support/yaml_bomb.hpp"

namespace agentry {
namespace {

using nlohmann::json;
using testing::TempDir;

TEST_CASE("YAML scalars follow the core schema, quoted ones stay strings") {
  auto j = yaml_to_json(R"(
int: 42
neg: -7
hex: 0x1F
float: 2.5
exp: 1e3
yes_str: yes
t: true
f: False
n: ~
empty:
quoted: "42"
single: 'true'
version: 1.2.3
tagged: !!str 12
list: [1, two, 3.0]
nested: {a: {b: null}}
)",
                        "test.yaml");
  REQUIRE(j.has_value());
  CHECK(*j == json::parse(R"({"int": 42, "neg": -7, "hex": 31, "float": 2.5, "exp": 1000.0,
    "yes_str": "yes", "t": true, "f": false, "n": null, "empty": null, "quoted": "42",
    "single": "true", "version": "1.2.3", "tagged": "12", "list": [1, "two", 3.0],
    "nested": {"a": {"b": null}}})"));
}

TEST_CASE("YAML errors and duplicate keys name file, line and column") {
  auto bad = yaml_to_json("a: [1, 2\nb: 3\n", "cfg.yaml");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == ErrorCode::kConfig);
  CHECK(bad.error().where.starts_with("cfg.yaml:"));
  CHECK(bad.error().message.starts_with("invalid YAML: "));

  auto dup = yaml_to_json("providers:\n  a: 1\n  a: 2\n", "cfg.yaml");
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error().message == "duplicate key 'a'");
  CHECK(dup.error().where == "cfg.yaml:3:3");

  auto list = Config::from_yaml("- a\n- b\n", "cfg.yaml");
  REQUIRE_FALSE(list.has_value());
  CHECK(list.error().message == "the configuration must be a mapping of keys to values");
}

TEST_CASE("project config merges over user config, key by key, remembering where each came from") {
  TempDir home;
  auto user = home.write("config/agentry/config.yaml", R"(
default_provider: anthropic
providers:
  anthropic:
    kind: anthropic
    model: claude-sonnet-4-5
  local:
    kind: openai
    base_url: http://127.0.0.1:8080/v1
permissions:
  allow: [cargo_check]
)");
  home.write("proj/.git/HEAD", "ref: refs/heads/main\n");
  auto project = home.write("proj/.agentry/config.yaml", R"(
providers:
  anthropic:
    model: claude-opus-4-1
permissions:
  allow: [cargo_test]
sandbox: {network: false}
)");
  home.write("proj/src/lib.rs", "");

  Environment env;
  env.set("HOME", home.path().string());
  env.set("XDG_CONFIG_HOME", (home.path() / "config").string());
  CHECK(user_config_file(env) == user);
  CHECK(project_config_file(home.path() / "proj" / "src") == project);

  auto c = load_config_files({user, project});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->files() == std::vector<std::filesystem::path>{user, project});
  CHECK(c->data()["providers"]["anthropic"] ==
        json{{"kind", "anthropic"}, {"model", "claude-opus-4-1"}});
  CHECK(c->data()["providers"]["local"]["base_url"] == "http://127.0.0.1:8080/v1");
  CHECK(c->data()["permissions"]["allow"] == json{"cargo_test"});  // lists are replaced whole
  CHECK(c->data()["sandbox"]["network"] == false);

  CHECK(c->where("/providers/anthropic/model") == project.string() + ":4:12");
  CHECK(c->where("/providers/anthropic/kind") == user.string() + ":5:11");
  CHECK(c->where("/providers/local/base_url") == user.string() + ":9:15");
  CHECK(c->where("/permissions/allow/0") == project.string() + ":6:11");
  CHECK(c->where("/providers/local/no_such_key") == user.string() + ":8:5");
  REQUIRE(c->find("/sandbox/network") != nullptr);
  CHECK(c->find("/sandbox/nope") == nullptr);
  CHECK(c->find("not a pointer") == nullptr);
}

TEST_CASE("a config nested past yaml-cpp's limit is refused with a message that says so") {
  auto c = Config::from_yaml("a: " + std::string(2500, '[') + std::string(2500, ']') + "\n",
                             "deep.yaml");
  REQUIRE_FALSE(c);
  CHECK(c.error().message ==
        "invalid YAML: nested deeper than 2000 levels, the most YAML here may be (flatten it)");
  CHECK(c.error().where.starts_with("deep.yaml:1:"));
}

TEST_CASE("erase removes a mapping member with its origins, and nothing else") {
  auto c = Config::from_yaml("a:\n  b: 1\n  c: {d: 2}\nlist: [1, 2]\n", "x.yaml");
  REQUIRE(c);
  CHECK(c->erase("/a/c"));
  CHECK(c->data() == json{{"a", {{"b", 1}}}, {"list", {1, 2}}});
  CHECK(c->where("/a/c/d") == "x.yaml:2:3");  // the nearest origin left: a's value
  CHECK(c->where("/a/b") == "x.yaml:2:6");
  CHECK_FALSE(c->erase("/a/c"));
  CHECK_FALSE(c->erase("/list/0"));  // not a mapping member
  CHECK_FALSE(c->erase(""));
  CHECK(c->erase("/list"));
  CHECK(c->data() == json{{"a", {{"b", 1}}}});
}

TEST_CASE("missing files are skipped, an empty file is an empty config") {
  TempDir dir;
  auto empty = dir.write("empty.yaml", "# nothing yet\n");
  auto c = load_config_files({dir.path() / "missing.yaml", empty});
  REQUIRE(c.has_value());
  CHECK(c->data() == json::object());
  CHECK(c->files() == std::vector<std::filesystem::path>{empty});
  CHECK(json_pointer_segment("a/b~c") == "a~1b~0c");
}

}  // namespace
}  // namespace agentry

namespace agentry {

TEST_CASE("a config file with an alias bomb, or too large, is refused naming the file") {
  testing::TempDir dir;
  auto bomb = dir.write(".agentry/config.yaml", "max_steps: 5\n" + testing::yaml_bomb());
  auto c = load_config_files({bomb});
  REQUIRE_FALSE(c);
  CHECK(c.error().where.starts_with(bomb.string() + ":9:"));
  CHECK(c.error().message.find("once aliases are expanded") != std::string::npos);

  auto huge = dir.write("user.yaml", "# " + std::string(kMaxConfigFileBytes, 'x') + "\n");
  auto h = load_config_files({huge});
  REQUIRE_FALSE(h);
  CHECK(h.error().where == huge.string());
  CHECK(h.error().message.find("it may have at most 4194304") != std::string::npos);
}

}  // namespace agentry
