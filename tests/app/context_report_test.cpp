// What `agentry context` reports (issue 21), composed by app over the real services: the user's
// instructions files from agentry's config folder ($XDG_CONFIG_HOME) and ~/.claude, an untrusted
// project's AGENTS.md (text for the model, read like its other files), the refused import logged
// once, and the tokens of every piece and tool.
#include "app/context_report.hpp"

#include <algorithm>

#include <doctest/doctest.h>

#include "cli/support/logged_context.hpp"
#include "core/build_paths.hpp"
#include "support/temp_dir.hpp"

namespace agentry::app {
namespace {

namespace fs = std::filesystem;

/// An untrusted project ws/ (a repository) in a home whose config folder lies outside it.
struct ReportHome : testing::LoggedContext {
  testing::TempDir dir{"agentry-context"};

  ReportHome() {
    dir.write("ws/.git/HEAD", "ref: refs/heads/main\n");
    dir.write("ws/AGENTS.md", "PROJECT rules. @../escape.md\n");
    dir.write("escape.md", "ESCAPED\n");
    dir.write("xdg/agentry/AGENTS.md", "AGENTRY user rules.\n");
    dir.write("home/.claude/CLAUDE.md", "CLAUDE user rules.\n");
    ctx.env.set("HOME", (dir.path() / "home").string());
    ctx.env.set("XDG_CONFIG_HOME", (dir.path() / "xdg").string());
    ctx.env.set("XDG_DATA_HOME", (dir.path() / "data").string());
    ctx.env.set("PATH", "/usr/bin:/bin");
    ctx.cwd = dir.path() / "ws";
    ctx.data_dir = AGENTRY_SOURCE_DIR;
    load_app_config(ctx);
    REQUIRE(ctx.config.has_value());
    REQUIRE_FALSE(ctx.project_trusted);
  }
};

const ContextEntry* entry_named(const std::vector<ContextEntry>& entries, const std::string& name) {
  for (const auto& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace

TEST_CASE("context report: the user's and an untrusted project's instructions, counted") {
  ReportHome home;
  Services services(home.ctx);
  auto report = context_report(services, "orchestrator");
  REQUIRE_MESSAGE(report.has_value(), (report ? "" : report.error().to_string()));
  CHECK(report->agent == "orchestrator");
  const ContextEntry* instructions = entry_named(report->system, "instructions");
  REQUIRE(instructions != nullptr);
  REQUIRE(instructions->parts.size() == 3);
  CHECK(instructions->parts[0].name == (home.dir.path() / "xdg/agentry/AGENTS.md").string());
  CHECK(instructions->parts[1].name == "~/.claude/CLAUDE.md");
  CHECK(instructions->parts[2].name == "AGENTS.md");
  CHECK(instructions->text.find("PROJECT rules.") != std::string::npos);
  CHECK(instructions->text.find("ESCAPED") == std::string::npos);
  CHECK(instructions->tokens == estimated_tokens(instructions->text.size()));

  REQUIRE(report->warnings.size() == 1);
  CHECK(report->warnings[0].starts_with("AGENTS.md:1: @../escape.md not imported"));
  auto logged = home.warnings();
  CHECK(std::count_if(logged.begin(), logged.end(), [](const std::string& line) {
          return line.find("@../escape.md not imported") != std::string::npos;
        }) == 1);

  CHECK(entry_named(report->tools, "task") != nullptr);  // the orchestrator delegates
  std::int64_t pieces = 0;
  for (const auto& piece : report->system)
    pieces += piece.tokens;
  CHECK(report->system_tokens > 0);
  CHECK(report->system_tokens <= pieces + 2);  // plus the blank lines between pieces
  CHECK(report->total_tokens() == report->system_tokens + report->tools_tokens);
}

TEST_CASE("context report: tokens are estimated as the engine's budget starts, 3 characters each") {
  CHECK(estimated_tokens(0) == 0);
  CHECK(estimated_tokens(3) == 1);
  CHECK(estimated_tokens(4) == 2);
  CHECK(estimated_tokens(3000) == 1000);
}

}  // namespace agentry::app
