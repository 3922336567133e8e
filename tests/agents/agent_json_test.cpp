#include "agents/agent_json.hpp"

#include <doctest/doctest.h>

namespace agentry::agents {

TEST_CASE("the list form has the contract fields, tools always an array") {
  AgentDefinition def;
  def.name = "rust-pro";
  def.description = "Rust";
  def.mode = AgentMode::kSubagent;
  def.model = "sonnet";
  def.tools = std::vector<std::string>{"cargo_check", "read_file"};
  def.source = "/a/rust-pro.md";
  def.scope = "builtin";
  CHECK(to_json(def, false, {"cargo_check", "read_file"}).dump() ==
        R"({"name":"rust-pro","description":"Rust","mode":"subagent","model":"sonnet",)"
        R"("tools":["cargo_check","read_file"],"tools_default":false,"source":"/a/rust-pro.md",)"
        R"("scope":"builtin"})");
}

TEST_CASE("the full form adds everything, prompt included") {
  AgentDefinition def;
  // Built as strings first: g++ 12 at -O3 misreports assigning a short literal (-Wrestrict).
  def.name = std::string("a");
  def.temperature = 0.5;
  def.prompt = std::string("Be brief.");
  def.extra = {{"emoji", "x"}};
  auto j = to_json(def, true, {"read_file", "task"});
  CHECK(j["temperature"] == 0.5);
  CHECK(j["max_steps"].is_null());
  CHECK(j["check_after_edit"].is_null());
  CHECK(j["prompt"] == "Be brief.");
  def.check_after_edit = true;
  CHECK(to_json(def, true, {})["check_after_edit"] == true);
  CHECK(j["extra"]["emoji"] == "x");
  CHECK(j["tools_default"] == true);
  CHECK(j["tools"] == nlohmann::ordered_json::array({"read_file", "task"}));
}

TEST_CASE("a diagnostic as JSON and as text") {
  Diagnostic d{Severity::kWarning, "agents/x.md", 3, 14, "unknown key 'emoji'"};
  CHECK(to_json(d, false).dump() ==
        R"({"file":"agents/x.md","line":3,"column":14,"message":"unknown key 'emoji'"})");
  CHECK(to_json(d, true)["severity"] == "warning");
  CHECK(d.to_string() == "agents/x.md:3:14: warning: unknown key 'emoji'");
  CHECK(count({d, d, Diagnostic{}}, Severity::kWarning) == 2);
}

}  // namespace agentry::agents
