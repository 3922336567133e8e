#include "tools/permission_mode.hpp"

#include <doctest/doctest.h>

namespace agentry::tools {

TEST_CASE("--permission-mode: the three spellings and nothing else") {
  const std::pair<const char*, PermissionMode> rows[] = {
      {"ask", PermissionMode::kAsk},
      {"accept-edits", PermissionMode::kAcceptEdits},
      {"bypass", PermissionMode::kBypass},
  };
  for (const auto& [text, mode] : rows) {
    CAPTURE(text);
    CHECK(parse_permission_mode(text) == mode);
    CHECK(std::string(to_string(mode)) == text);
  }
  for (const char* bad : {"", "Ask", "acceptEdits", "accept_edits", "bypassPermissions"}) {
    CAPTURE(bad);
    auto parsed = parse_permission_mode(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::kUsage);
    CHECK(parsed.error().hint == "use ask, accept-edits, bypass");
  }
}

TEST_CASE("permissionMode: Claude Code's spellings in any case, and which of them loosen") {
  const std::tuple<const char*, AgentPermissionMode, bool> rows[] = {
      {"", AgentPermissionMode::kDefault, false},
      {"default", AgentPermissionMode::kDefault, false},
      {"acceptEdits", AgentPermissionMode::kAcceptEdits, true},
      {"ACCEPTEDITS", AgentPermissionMode::kAcceptEdits, true},
      {"bypassPermissions", AgentPermissionMode::kBypassPermissions, true},
      {"plan", AgentPermissionMode::kPlan, false},
      {"dontAsk", AgentPermissionMode::kDontAsk, false},
      {"dontask", AgentPermissionMode::kDontAsk, false},
  };
  for (const auto& [text, mode, loose] : rows) {
    CAPTURE(text);
    CHECK(parse_agent_permission_mode(text, "a.md") == mode);
    CHECK(loosens(mode) == loose);
  }
  CHECK(std::string(to_string(AgentPermissionMode::kBypassPermissions)) == "bypassPermissions");
  auto bad = parse_agent_permission_mode("accept-edits", "agents/a.md");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kConfig);
  CHECK(bad.error().to_string().find("agents/a.md") != std::string::npos);
}

TEST_CASE("what a session mode approves without asking") {
  CHECK_FALSE(mode_approves(PermissionMode::kAsk, true, false));
  CHECK(mode_approves(PermissionMode::kAcceptEdits, true, false));
  CHECK_FALSE(mode_approves(PermissionMode::kAcceptEdits, false, false));
  CHECK_FALSE(mode_approves(PermissionMode::kAcceptEdits, true, true));
  CHECK(mode_approves(PermissionMode::kBypass, false, false));
  CHECK(mode_approves(PermissionMode::kBypass, true, true));
}

}  // namespace agentry::tools
