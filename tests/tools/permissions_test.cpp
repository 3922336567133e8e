#include "tools/permissions.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

using nlohmann::json;
using testing_support::spec_named;

namespace {

const json kNone = json::object();
const json kCheck = {{"mode", "check"}};
const json kApply = {{"mode", "apply"}};

}  // namespace

TEST_CASE("defaults: reads are allowed, workspace writers ask") {
  PermissionPolicy p;
  for (const char* name : {"read_file", "grep", "glob", "list_files", "cargo_check", "cargo_clippy",
                           "cargo_test", "cargo_build"})
    CHECK_MESSAGE(p.decide(spec_named(name), kNone) == Permission::kAllow, name);
  for (const char* name : {"write_file", "edit_file", "clippy_fix"})
    CHECK_MESSAGE(p.decide(spec_named(name), kNone) == Permission::kAsk, name);
  CHECK(p.decide(spec_named("rustfmt"), kCheck) == Permission::kAllow);
  CHECK(p.decide(spec_named("rustfmt"), kNone) == Permission::kAllow);
  CHECK(p.decide(spec_named("rustfmt"), kApply) == Permission::kAsk);
}

TEST_CASE("config sets tools and a default, bad values are errors") {
  auto p = PermissionPolicy::from_config(
      {{"default", "deny"}, {"write_file", "allow"}, {"cargo_test", "ask"}}, "config.yaml");
  REQUIRE(p);
  CHECK(p->decide(spec_named("write_file"), kNone) == Permission::kAllow);
  CHECK(p->decide(spec_named("cargo_test"), kNone) == Permission::kAsk);
  CHECK(p->decide(spec_named("read_file"), kNone) == Permission::kDeny);
  auto bad = PermissionPolicy::from_config({{"grep", "sometimes"}}, "config.yaml");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "permission for `grep` is \"sometimes\", not allow, ask or deny");
  CHECK(bad.error().where == "config.yaml");
}

TEST_CASE("opencode front-matter: edit, write, bash and read map onto agentry tools") {
  PermissionPolicy base;
  auto p =
      base.for_agent({{"edit", "allow"}, {"bash", "deny"}, {"read", "deny"}}, "", "agents/x.md");
  REQUIRE(p);
  CHECK(p->decide(spec_named("edit_file"), kNone) == Permission::kAllow);
  CHECK(p->decide(spec_named("write_file"), kNone) == Permission::kAllow);
  CHECK(p->decide(spec_named("cargo_check"), kNone) == Permission::kDeny);
  CHECK(p->decide(spec_named("rustfmt"), kCheck) == Permission::kDeny);
  // clippy_fix is both an edit and a process: the stricter rule wins.
  CHECK(p->decide(spec_named("clippy_fix"), kNone) == Permission::kDeny);
  CHECK(p->decide(spec_named("read_file"), kNone) == Permission::kDeny);
  CHECK(p->decide(spec_named("grep"), kNone) == Permission::kAllow);
}

TEST_CASE("opencode bash patterns match the tool's command line, most specific first") {
  PermissionPolicy base;
  auto p = base.for_agent(
      {{"bash", {{"*", "ask"}, {"cargo test*", "allow"}, {"cargo clippy --fix", "deny"}}}}, "",
      "agents/x.md");
  REQUIRE(p);
  CHECK(p->decide(spec_named("cargo_test"), kNone) == Permission::kAllow);
  CHECK(p->decide(spec_named("cargo_check"), kNone) == Permission::kAsk);
  CHECK(p->decide(spec_named("clippy_fix"), kNone) == Permission::kDeny);
}

TEST_CASE("agentry tool names and * work in front-matter too") {
  auto p = PermissionPolicy().for_agent({{"*", "deny"}, {"grep", "allow"}}, "", "a.md");
  REQUIRE(p);
  CHECK(p->decide(spec_named("grep"), kNone) == Permission::kAllow);
  CHECK(p->decide(spec_named("read_file"), kNone) == Permission::kDeny);
  auto bare = PermissionPolicy().for_agent("ask", "", "a.md");
  REQUIRE(bare);
  CHECK(bare->decide(spec_named("glob"), kNone) == Permission::kAsk);
}

TEST_CASE("Claude Code permissionMode") {
  PermissionPolicy base;
  CHECK(base.for_agent(nullptr, "acceptEdits", "a")->decide(spec_named("edit_file"), kNone) ==
        Permission::kAllow);
  CHECK(base.for_agent(nullptr, "plan", "a")->decide(spec_named("edit_file"), kNone) ==
        Permission::kDeny);
  CHECK(base.for_agent(nullptr, "plan", "a")->decide(spec_named("cargo_check"), kNone) ==
        Permission::kAllow);
  CHECK(base.for_agent(nullptr, "dontAsk", "a")->decide(spec_named("write_file"), kNone) ==
        Permission::kDeny);
  CHECK(
      base.for_agent(nullptr, "bypassPermissions", "a")->decide(spec_named("clippy_fix"), kNone) ==
      Permission::kAllow);
  CHECK(base.for_agent(nullptr, "default", "a")->decide(spec_named("clippy_fix"), kNone) ==
        Permission::kAsk);
  auto bad = base.for_agent(nullptr, "yolo", "agents/a.md");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "unknown permissionMode `yolo`");
}

TEST_CASE("a deny in the user's config cannot be lifted by an agent file") {
  auto config = PermissionPolicy::from_config({{"write_file", "deny"}}, "config.yaml");
  REQUIRE(config);
  auto agent =
      config->for_agent({{"write", "allow"}, {"edit", "allow"}}, "bypassPermissions", "a.md");
  REQUIRE(agent);
  CHECK(agent->decide(spec_named("write_file"), kNone) == Permission::kDeny);
  CHECK(agent->decide(spec_named("edit_file"), kNone) == Permission::kAllow);
}

TEST_CASE("writes to agentry's or a peer's settings are never allowed without a yes") {
  for (const char* path :
       {".agentry/config.yaml", ".claude/agents/helper.md", ".opencode/agent/x.md",
        "sub/../.git/hooks/pre-commit", "crates/a/.agentry/agents/b.md"}) {
    CAPTURE(path);
    json args = {{"path", path}, {"content", "x"}};
    CHECK(call_writes_settings(spec_named("write_file"), args));
    CHECK(call_writes_settings(spec_named("edit_file"), args));
    CHECK_FALSE(call_writes_settings(spec_named("read_file"), args));
    auto config = PermissionPolicy::from_config({{"default", "allow"}}, "config.yaml");
    REQUIRE(config);
    CHECK(config->decide(spec_named("write_file"), args) == Permission::kAsk);
    for (const char* mode : {"acceptEdits", "bypassPermissions"}) {
      auto agent = config->for_agent({{"edit", "allow"}, {"write", "allow"}}, mode, "a.md");
      REQUIRE(agent);
      CHECK(agent->decide(spec_named("write_file"), args) == Permission::kAsk);
    }
    auto denied = PermissionPolicy::from_config({{"write_file", "deny"}}, "config.yaml");
    CHECK(denied->decide(spec_named("write_file"), args) == Permission::kDeny);
  }
  json ordinary = {{"path", "src/agentry.rs"}, {"content", "x"}};
  CHECK_FALSE(call_writes_settings(spec_named("write_file"), ordinary));
  auto allow = PermissionPolicy::from_config({{"write_file", "allow"}}, "config.yaml");
  CHECK(allow->decide(spec_named("write_file"), ordinary) == Permission::kAllow);
}

}  // namespace agentry::tools

namespace agentry::tools {

TEST_CASE("the settings rule holds for the path as the kernel resolves it, case-folded") {
  testing::TempDir dir("agentry-ws");
  std::filesystem::create_directories(dir.path() / ".git" / "hooks");
  std::filesystem::create_directories(dir.path() / ".GIT");
  std::filesystem::create_directories(dir.path() / "src");
  std::filesystem::create_directory_symlink(".git", dir.path() / "gitdir");
  std::filesystem::create_directory_symlink(".", dir.path() / "a");
  std::filesystem::create_directory_symlink(".GIT", dir.path() / "x");
  std::filesystem::create_directory_symlink("../.claude", dir.path() / "src" / "up");
  std::filesystem::create_symlink(".git/config", dir.path() / "cfg");
  auto ws = Workspace::open(dir.path());
  REQUIRE(ws);
  auto policy = PermissionPolicy::from_config({{"default", "allow"}}, "config.yaml");
  REQUIRE(policy);
  auto accept = policy->for_agent({{"edit", "allow"}}, "acceptEdits", "a.md");
  REQUIRE(accept);
  for (const char* path : {"gitdir/config", "a/.git/config", "a/a/.git/hooks/pre-commit",
                           "x/config", ".GIT/config", ".Git/config", ".Claude/agents/x.md",
                           "src/up/agents/x.md", "cfg", ".AGENTRY/config.yaml"}) {
    CAPTURE(path);
    json args = {{"path", path}, {"content", "x"}};
    CHECK(call_writes_settings(spec_named("write_file"), args, &*ws));
    CHECK(policy->decide(spec_named("write_file"), args, &*ws) == Permission::kAsk);
    CHECK(accept->decide(spec_named("edit_file"), args, &*ws) == Permission::kAsk);
  }
  json ordinary = {{"path", "a/src/lib.rs"}, {"content", "x"}};
  CHECK_FALSE(call_writes_settings(spec_named("write_file"), ordinary, &*ws));
  CHECK(policy->decide(spec_named("write_file"), ordinary, &*ws) == Permission::kAllow);
  CHECK_FALSE(is_settings_folder_name(".gitignore"));
  CHECK_FALSE(is_settings_folder_name("git"));
}

TEST_CASE("opencode's object form over paths: edit {*: deny, src/*.rs: allow}") {
  PermissionPolicy base;
  auto p = base.for_agent(json::parse(R"({"edit": {"*": "deny", "src/*.rs": "allow"},
      "webfetch": "deny", "doom_loop": "ask", "external_directory": {"~/notes/**": "allow"},
      "read": {"*": "allow", "*.env": "deny"}})"),
                          "", "agent.md");
  REQUIRE(p);
  CHECK(p->decide(spec_named("edit_file"), {{"path", "src/lib.rs"}}) == Permission::kAllow);
  CHECK(p->decide(spec_named("write_file"), {{"path", "src/new.rs"}}) == Permission::kAllow);
  CHECK(p->decide(spec_named("edit_file"), {{"path", "Cargo.toml"}}) == Permission::kDeny);
  CHECK(p->decide(spec_named("read_file"), {{"path", "src/lib.rs"}}) == Permission::kAllow);
  CHECK(p->decide(spec_named("read_file"), {{"path", ".env"}}) == Permission::kDeny);
}

}  // namespace agentry::tools
