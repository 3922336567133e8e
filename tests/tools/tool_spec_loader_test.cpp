#include "tools/tool_spec_loader.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "support/yaml_bomb.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

using testing_support::tools_dir;

TEST_CASE("every shipped tool file loads, with the parameter names of the contract") {
  auto specs = load_tool_specs(tools_dir());
  REQUIRE_MESSAGE(specs, (specs ? "" : specs.error().to_string()));
  std::vector<std::string> names;
  for (const auto& s : *specs)
    names.push_back(s.schema.name);
  CHECK(names == std::vector<std::string>{"bash", "cargo_build", "cargo_check", "cargo_clippy",
                                          "cargo_test", "clippy_fix", "edit_file", "glob", "grep",
                                          "list_files", "read_file", "rustfmt", "write_file"});
  auto props = [&](const std::string& name) {
    for (const auto& s : *specs)
      if (s.schema.name == name) {
        std::vector<std::string> keys;
        for (const auto& [k, _] : s.schema.parameters["properties"].items())
          keys.push_back(k);
        return keys;
      }
    return std::vector<std::string>{};
  };
  CHECK(props("read_file") == std::vector<std::string>{"limit", "offset", "path"});
  CHECK(props("write_file") == std::vector<std::string>{"content", "path"});
  CHECK(props("edit_file") ==
        std::vector<std::string>{"new_string", "old_string", "path", "replace_all"});
  CHECK(props("grep") == std::vector<std::string>{"glob", "path", "pattern"});
  CHECK(props("glob") == std::vector<std::string>{"path", "pattern"});
  CHECK(props("cargo_check") == std::vector<std::string>{"all_targets", "features", "package"});
  CHECK(props("cargo_test") ==
        std::vector<std::string>{"all_targets", "features", "package", "test_name"});
  CHECK(props("rustfmt") == std::vector<std::string>{"mode"});
  CHECK(props("bash") == std::vector<std::string>{"command", "timeout"});
  for (const auto& s : *specs) {
    bool writer = s.schema.name == "write_file" || s.schema.name == "edit_file" ||
                  s.schema.name == "clippy_fix" || s.schema.name == "rustfmt" ||
                  s.schema.name == "bash";
    CHECK_MESSAGE(s.writes == writer, s.schema.name);
  }
}

TEST_CASE("a tool file's limits, description and typed scalars") {
  testing::TempDir dir;
  auto file = dir.write("demo.yaml", R"(name: demo
description: |
  Does a demo.
writes: true
limits:
  timeout: 5
  output_cap: 100
parameters:
  type: object
  properties:
    n: {type: integer, minimum: 1, default: 2}
    word: {type: string, enum: ["1", yes]}
  required: [n]
  additionalProperties: false
)");
  auto spec = load_tool_spec(file);
  REQUIRE_MESSAGE(spec, (spec ? "" : spec.error().to_string()));
  CHECK(spec->schema.description == "Does a demo.");
  CHECK(spec->writes);
  CHECK(spec->limits.timeout == std::chrono::seconds(5));
  CHECK(spec->limits.output_cap == 100);
  CHECK(spec->schema.parameters["properties"]["n"]["minimum"] == 1);
  CHECK(spec->schema.parameters["properties"]["word"]["enum"] == nlohmann::json({"1", "yes"}));
  CHECK(spec->schema.parameters["additionalProperties"] == false);
}

TEST_CASE("broken tool files are errors naming the file and the fix") {
  testing::TempDir dir;
  auto wrong_name =
      load_tool_spec(dir.write("a.yaml", "name: b\ndescription: x\nparameters: {type: object}\n"));
  REQUIRE_FALSE(wrong_name);
  CHECK(wrong_name.error().message == "the tool is named `b` but the file `a.yaml`");
  auto bad_limit = load_tool_spec(dir.write(
      "c.yaml", "name: c\ndescription: x\nparameters: {type: object}\nlimits: {timeout: -1}\n"));
  REQUIRE_FALSE(bad_limit);
  CHECK(bad_limit.error().message == "limits.timeout must be a positive integer");
  auto bad_yaml = load_tool_spec(dir.write("d.yaml", "name: d\n  description: [\n"));
  REQUIRE_FALSE(bad_yaml);
  CHECK(bad_yaml.error().where.starts_with((dir.path() / "d.yaml").string() + ":"));
  auto unknown = load_tool_spec(
      dir.write("e.yaml", "name: e\ndescription: x\nparameters: {type: object}\nfoo: 1\n"));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "unknown key `foo`");
  auto bomb = load_tool_spec(dir.write("f.yaml", "name: f\n" + testing::yaml_bomb()));
  REQUIRE_FALSE(bomb);
  CHECK(bomb.error().where.starts_with((dir.path() / "f.yaml").string() + ":9:"));
  CHECK(bomb.error().message.find("once aliases are expanded") != std::string::npos);
  auto huge = load_tool_spec(dir.write("g.yaml", std::string(kMaxToolSpecBytes + 1, '#')));
  REQUIRE_FALSE(huge);
  CHECK(huge.error().message.find("a tool file may have at most") != std::string::npos);
}

}  // namespace agentry::tools
