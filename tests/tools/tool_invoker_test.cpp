#include "tools/tool_invoker.hpp"

#include <stdexcept>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

using nlohmann::json;
using testing_support::FakeProcessRunner;

namespace {

class ScriptedApprover final : public Approver {
 public:
  bool answer = true;
  std::vector<ApprovalRequest> asked;
  Approval approve(const ApprovalRequest& request, std::stop_token) override {
    asked.push_back(request);
    return {answer, answer ? "" : "not now"};
  }
};

struct InvokerFixture {
  testing::TempDir dir{"agentry-ws"};
  FakeProcessRunner runner;
  ToolRegistry registry =
      testing_support::registry_with(runner, testing_support::services_with(runner, {}));
  ToolContext context{dir.path(), {}};
};

ToolCall call(const std::string& name, json args, std::string raw = {}) {
  return ToolCall{"call_1", name, std::move(args), std::move(raw)};
}

}  // namespace

TEST_CASE("bad arguments go back to the model as text, never a crash") {
  InvokerFixture f;
  ToolInvoker invoker(f.registry, nullptr);
  PermissionPolicy policy;
  auto missing = invoker.invoke(call("read_file", json::object()), f.context, policy);
  REQUIRE(missing);
  CHECK(missing->is_error);
  CHECK(missing->content == "rewrite your input: `path` is required");
  auto wrong = invoker.invoke(call("read_file", {{"path", 3}, {"limit", 0}}), f.context, policy);
  CHECK(wrong->content ==
        "rewrite your input: `limit` must be >= 1 (got 0); `path` must be a string (got 3)");
  auto broken = invoker.invoke(call("read_file", nullptr, "{\"path\": "), f.context, policy);
  CHECK(broken->content ==
        "rewrite your input: the arguments of `read_file` are not valid JSON: {\"path\": ");
  auto unknown = invoker.invoke(call("shell", json::object()), f.context, policy);
  CHECK(unknown->is_error);
  CHECK(unknown->content.starts_with(
      "there is no tool `shell`; the tools are: bash, cargo_build, cargo_check"));
}

TEST_CASE("arguments nested 100000 levels deep go back to the model unparsed") {
  InvokerFixture f;
  ToolInvoker invoker(f.registry, nullptr);
  PermissionPolicy policy;
  std::string deep = R"({"path":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  auto r = invoker.invoke(call("read_file", nullptr, deep), f.context, policy);
  REQUIRE(r);
  CHECK(r->is_error);
  CHECK(r->content ==
        "rewrite your input: the arguments of `read_file` hold JSON nested deeper than 512 levels");
}

TEST_CASE("ask without an approver is a denial the model is told about, nothing is written") {
  InvokerFixture f;
  ToolInvoker invoker(f.registry, nullptr);
  auto out = invoker.invoke(call("write_file", {{"path", "a.rs"}, {"content", "x"}}), f.context,
                            PermissionPolicy());
  REQUIRE(out);
  CHECK(out->is_error);
  CHECK(out->content ==
        "permission denied: `write_file` needs approval and no one can approve it in this mode, so "
        "it did not "
        "run; describe the change you wanted instead");
  CHECK_FALSE(std::filesystem::exists(f.dir.path() / "a.rs"));
}

TEST_CASE("the approver sees the diff to be written and decides") {
  InvokerFixture f;
  f.dir.write("a.rs", "fn a() {}\n");
  ScriptedApprover approver;
  ToolInvoker invoker(f.registry, &approver);
  approver.answer = false;
  auto declined = invoker.invoke(
      call("edit_file", {{"path", "a.rs"}, {"old_string", "a()"}, {"new_string", "b()"}}),
      f.context, PermissionPolicy());
  REQUIRE(approver.asked.size() == 1);
  CHECK(approver.asked[0].tool == "edit_file");
  CHECK(approver.asked[0].preview ==
        "--- a.rs\n+++ a.rs\n@@ -1,1 +1,1 @@\n-fn a() {}\n+fn b() {}\n");
  CHECK(declined->content == "the user declined this `edit_file` call: not now");
  CHECK(testing::read_file(f.dir.path() / "a.rs") == "fn a() {}\n");

  approver.answer = true;
  auto done = invoker.invoke(
      call("edit_file", {{"path", "a.rs"}, {"old_string", "a()"}, {"new_string", "b()"}}),
      f.context, PermissionPolicy());
  CHECK_FALSE(done->is_error);
  CHECK(testing::read_file(f.dir.path() / "a.rs") == "fn b() {}\n");
}

TEST_CASE("deny stops the call before it runs") {
  InvokerFixture f;
  auto policy = PermissionPolicy::from_config({{"cargo_check", "deny"}}, "c");
  ToolInvoker invoker(f.registry, nullptr);
  auto out = invoker.invoke(call("cargo_check", json::object()), f.context, *policy);
  CHECK(out->is_error);
  CHECK(out->content.starts_with("permission denied: `cargo_check` is not allowed for this agent"));
  CHECK(f.runner.requests.empty());
}

TEST_CASE("a hook's allow answers an ask, never a deny nor a settings-folder write, its ask asks") {
  InvokerFixture f;
  ScriptedApprover approver;
  approver.answer = false;
  ToolInvoker invoker(f.registry, &approver);
  ToolContext allowed = f.context;
  allowed.hook_permission = Permission::kAllow;
  auto written =
      invoker.invoke(call("write_file", {{"path", "a.rs"}, {"content", "x"}}), allowed, {});
  CHECK_FALSE(written->is_error);
  CHECK(approver.asked.empty());
  auto settings = invoker.invoke(
      call("write_file", {{"path", ".claude/settings.json"}, {"content", "{}"}}), allowed, {});
  CHECK(settings->is_error);
  CHECK(approver.asked.size() == 1);
  auto policy = PermissionPolicy::from_config({{"cargo_check", "deny"}}, "c");
  auto denied = invoker.invoke(call("cargo_check", json::object()), allowed, *policy);
  CHECK(denied->content.starts_with("permission denied"));
  ToolContext ask = f.context;
  ask.hook_permission = Permission::kAsk;
  auto read = invoker.invoke(call("read_file", {{"path", "a.rs"}}), ask, {});
  CHECK(read->content == "the user declined this `read_file` call: not now");
  CHECK(approver.asked.size() == 2);
}

TEST_CASE("output over the tool's cap is cut with a marker") {
  InvokerFixture f;
  std::string big;
  for (int i = 0; i < 5000; ++i)
    big += "match line " + std::to_string(i) + "\n";
  f.dir.write("big.txt", big);
  ToolInvoker invoker(f.registry, nullptr);
  auto out = invoker.invoke(call("grep", {{"pattern", "match"}}), f.context, PermissionPolicy());
  REQUIRE(out);
  CHECK(out->content.size() <= 32768 + 64);
}

TEST_CASE("parallel edits of one file through one invoker all land") {
  // Subagents running side by side share the invoker; each edit_file is a read-modify-write
  // of the whole file, so without the workspace's write lock some of these edits are lost.
  InvokerFixture f;
  constexpr int kEdits = 24;
  std::string text;
  for (int i = 0; i < kEdits; ++i)
    text += "let v" + std::to_string(i) + " = 0;\n";
  f.dir.write("lib.rs", text);
  auto policy = PermissionPolicy::from_config({{"edit_file", "allow"}}, "test");
  REQUIRE(policy);
  ToolInvoker invoker(f.registry, nullptr);
  std::vector<Result<ToolOutput>> outputs(kEdits, ToolOutput{});
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < kEdits; ++i)
      workers.emplace_back([&, i] {
        auto n = std::to_string(i);
        outputs[static_cast<std::size_t>(i)] =
            invoker.invoke(call("edit_file", {{"path", "lib.rs"},
                                              {"old_string", "v" + n + " = 0;"},
                                              {"new_string", "v" + n + " = 1;"}}),
                           f.context, *policy);
      });
  }
  for (const auto& out : outputs) {
    REQUIRE(out);
    CHECK_FALSE(out->is_error);
  }
  std::string expected;
  for (int i = 0; i < kEdits; ++i)
    expected += "let v" + std::to_string(i) + " = 1;\n";
  CHECK(testing::read_file(f.dir.path() / "lib.rs") == expected);
}

TEST_CASE("a known secret in a tool's output, whole, cut or in base64, never leaves the invoker") {
  const std::string key = "sk-live-5Fq2Lr8Xw1Nc7Vb3Kd9Tz4Hm";
  testing::TempDir dir{"agentry-ws"};
  FakeProcessRunner runner;
  auto services = testing_support::services_with(runner, {});
  services.redactor = std::make_shared<const SecretRedactor>(std::vector<std::string>{key});
  ToolRegistry registry = testing_support::registry_with(runner, std::move(services));
  // "sk-live-5Fq2Lr8Xw1Nc" in base64, as a test would print it.
  dir.write("leak.txt", "whole " + key + "\nfirst20 " + key.substr(0, 20) +
                            "\nb64 c2stbGl2ZS01RnEyTHI4WHcxTmM=\n");
  ToolInvoker invoker(registry, nullptr);
  ToolContext context{dir.path(), {}};
  auto read =
      invoker.invoke(call("read_file", {{"path", "leak.txt"}}), context, PermissionPolicy());
  REQUIRE(read);
  CHECK(read->content.find("whole ***") != std::string::npos);
  CHECK(read->content.find("first20 ***") != std::string::npos);
  CHECK(read->content.find("b64 ***") != std::string::npos);
  auto grep = invoker.invoke(call("grep", {{"pattern", "sk-live"}}), context, PermissionPolicy());
  REQUIRE(grep);
  for (const auto* text : {&read->content, &grep->content}) {
    CHECK(text->find(key.substr(0, 12)) == std::string::npos);
    CHECK(text->find("c2stbGl2ZS01RnEy") == std::string::npos);
  }
  CHECK(grep->details.dump().find(key.substr(0, 12)) == std::string::npos);
}

TEST_CASE("a tool that throws is an error result naming it, redacted, and the invoker goes on") {
  // A process runner standing in for any bug below a tool: it throws, with a secret in the text.
  struct ThrowingRunner final : ProcessRunner {
    Result<ProcessResult> run(const ProcessRequest&, std::stop_token) override {
      throw std::out_of_range("count sk-live-5Fq2Lr8Xw1Nc7Vb3Kd9Tz4Hm is too large");
    }
  };
  const std::string key = "sk-live-5Fq2Lr8Xw1Nc7Vb3Kd9Tz4Hm";
  testing::TempDir dir{"agentry-ws"};
  dir.write("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n");
  ThrowingRunner runner;
  auto services = testing_support::services_with(runner, {});
  services.redactor = std::make_shared<const SecretRedactor>(std::vector<std::string>{key});
  ToolRegistry registry = testing_support::registry_with(runner, std::move(services));
  ToolInvoker invoker(registry, nullptr);
  ToolContext context{dir.path(), {}};
  auto out = invoker.invoke(call("cargo_check", json::object()), context, PermissionPolicy());
  REQUIRE(out);
  CHECK(out->is_error);
  CHECK(out->content.starts_with("`cargo_check` failed inside agentry (std::out_of_range: count "));
  CHECK(out->content.find(key.substr(0, 12)) == std::string::npos);
  // The next call is served as usual.
  dir.write("notes.txt", "hello\n");
  auto read =
      invoker.invoke(call("read_file", {{"path", "notes.txt"}}), context, PermissionPolicy());
  REQUIRE(read);
  CHECK_FALSE(read->is_error);
}

}  // namespace agentry::tools
