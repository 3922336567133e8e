#include "agents/custom_command.hpp"

#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <doctest/doctest.h>

#include "agents/command_set.hpp"
#include "support/temp_dir.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

struct ParsedCommand {
  std::optional<CustomCommand> command;
  Diagnostics diagnostics;
};

ParsedCommand parse_command(std::string text, std::string name = "cmd") {
  ParsedCommand out;
  out.command =
      parse_custom_command(std::move(text), "c.md", std::move(name), "project", out.diagnostics);
  return out;
}

CustomCommand command_with_body(std::string body) {
  CustomCommand c;
  c.body = std::move(body);
  return c;
}

/// A temp dir holding home/ (XDG config in home/cfg) and repo/ (a git repository whose
/// crates/app is the working directory), with `files` written under it.
struct CommandMachine {
  testing::TempDir dir{"agentry-commands"};
  fs::path repo = dir.path() / "repo";

  explicit CommandMachine(std::initializer_list<std::pair<const char*, std::string>> files = {}) {
    fs::create_directories(repo / "crates" / "app");
    fs::create_directories(repo / ".git");
    for (const auto& [path, text] : files)
      dir.write(path, text);
  }
  CommandSet load() const {
    Environment env;
    env.set("HOME", (dir.path() / "home").string());
    env.set("XDG_CONFIG_HOME", (dir.path() / "home" / "cfg").string());
    return CommandSet::load(command_search_path(env, repo / "crates" / "app"));
  }
};

}  // namespace

TEST_CASE("a command file: front-matter keys, allowed-tools mapped, the body as template") {
  auto p = parse_command(
      "---\ndescription: Fix clippy\nargument-hint: [paths]\nagent: rust-pro\nmodel: haiku\n"
      "allowed-tools: Bash(cargo clippy:*), Bash(git status), Read, Edit\n"
      "disable-model-invocation: true\n---\n\nRun clippy on $ARGUMENTS.\n");
  REQUIRE(p.command);
  CHECK(p.diagnostics.empty());
  CHECK(p.command->description == "Fix clippy");
  CHECK(p.command->argument_hint == "[paths]");
  CHECK(p.command->agent == "rust-pro");
  CHECK(p.command->model == "haiku");
  CHECK(p.command->body == "Run clippy on $ARGUMENTS.");
  CHECK(p.command->allowed_tools == std::vector<AllowedTool>{{"bash", "cargo clippy", true},
                                                             {"bash", "git status", false},
                                                             {"read_file", "", false},
                                                             {"edit_file", "", false}});
}

TEST_CASE("a command file without front-matter is all template, its first line describes it") {
  auto p = parse_command("# Review the PR\n\nReview pull request $1.\n", "review:pr");
  REQUIRE(p.command);
  CHECK(p.diagnostics.empty());
  CHECK(p.command->description == "Review the PR");
  CHECK(p.command->namespace_ == "review");
  CHECK(p.command->body == "# Review the PR\n\nReview pull request $1.");
}

TEST_CASE("Claude Code's unquoted argument-hint `[pr-number] [priority]` is read as text") {
  auto p =
      parse_command("---\nargument-hint: [pr-number] [it's urgent]\ndescription: d\n---\nPR $1\n");
  REQUIRE(p.command);
  CHECK(p.diagnostics.empty());
  CHECK(p.command->argument_hint == "[pr-number] [it's urgent]");
  CHECK(p.command->description == "d");
  auto quoted = parse_command("---\nargument-hint: \"[n]\"\n---\nx\n");
  REQUIRE(quoted.command);
  CHECK(quoted.command->argument_hint == "[n]");
}

TEST_CASE("command problems are reported at file:line:column, the command still loads") {
  auto p = parse_command(
      "---\ndescription: x\nsubtask: true\nallowed-tools: Frobnicate\n---\n"
      "Now: !`git status`\n");
  REQUIRE(p.command);
  REQUIRE(p.diagnostics.size() == 3);
  CHECK(p.diagnostics[0].to_string() ==
        "c.md:3:1: warning: unknown key 'subtask': agentry does not use it");
  CHECK(p.diagnostics[1].line == 4);
  CHECK(p.diagnostics[1].message.find("no tool 'Frobnicate'") != std::string::npos);
  CHECK(p.diagnostics[2].severity == Severity::kInfo);
  CHECK(p.diagnostics[2].line == 6);
  CHECK(p.diagnostics[2].message.find("does not run !`command`") != std::string::npos);
}

TEST_CASE("broken front-matter: the file is not a command, and the error says where") {
  auto p = parse_command("---\ndescription: [unclosed\n---\nbody\n");
  CHECK_FALSE(p.command);
  REQUIRE_FALSE(p.diagnostics.empty());
  CHECK(p.diagnostics.back().severity == Severity::kError);
  CHECK(p.diagnostics.back().line >= 2);
}

TEST_CASE("$ARGUMENTS is the whole argument text, $1…$9 its shell-like words") {
  CHECK(expand_command(command_with_body("Fix $ARGUMENTS now"), "  src tests ") ==
        "Fix src tests now");
  CHECK(expand_command(command_with_body("PR $1, priority $2, owner '$3'"), "42 \"very high\"") ==
        "PR 42, priority very high, owner ''");
  CHECK(expand_command(command_with_body("a=$1 all=$ARGUMENTS"), "x 'y z'") == "a=x all=x 'y z'");
  // Unbalanced quotes: words split at blanks instead.
  CHECK(expand_command(command_with_body("[$1][$2]"), "it's fine") == "[it's][fine]");
  // $10 is $1 followed by 0; a lone $ stays.
  CHECK(expand_command(command_with_body("$10 costs $ and $ARGUMENTSX"), "a") ==
        "a0 costs $ and aX");
}

TEST_CASE("a template that uses no placeholder gets the arguments appended, as Claude Code") {
  CHECK(expand_command(command_with_body("Review the code."), "src/lib.rs") ==
        "Review the code.\n\nARGUMENTS: src/lib.rs");
  CHECK(expand_command(command_with_body("Review the code."), "  ") == "Review the code.");
}

TEST_CASE("allowed-tools entries: a bash prefix stops at a word, an exact line is exact") {
  AllowedTool clippy{"bash", "cargo clippy", true};
  CHECK(clippy.allows("bash", "cargo clippy"));
  CHECK(clippy.allows("bash", "cargo clippy --fix -- -D warnings"));
  CHECK_FALSE(clippy.allows("bash", "cargo clippyx"));
  CHECK_FALSE(clippy.allows("bash", "rm -rf / ; cargo clippy"));
  CHECK_FALSE(clippy.allows("read_file", "cargo clippy"));
  AllowedTool status{"bash", "git status", false};
  CHECK(status.allows("bash", "git status"));
  CHECK_FALSE(status.allows("bash", "git status && rm x"));
  CHECK(AllowedTool{"read_file", "", false}.allows("read_file", ""));
  CHECK(parse_allowed_tools({"Bash(*)"}) == std::vector<AllowedTool>{{"bash", "", false}});
  CHECK(parse_allowed_tools({"Bash(npm run test:*)"}) ==
        std::vector<AllowedTool>{{"bash", "npm run test", true}});
}

TEST_CASE("commands load from every folder, user first, the project's from the root down") {
  CommandMachine m({{"home/.claude/commands/mine.md", "User's own.\n"},
                    {"home/cfg/opencode/command/oc.md", "From opencode.\n"},
                    {"home/cfg/agentry/commands/shared.md", "User's shared.\n"},
                    {"repo/.claude/commands/shared.md", "Project's shared.\n"},
                    {"repo/.claude/commands/frontend/component.md", "Make a component $1.\n"},
                    {"repo/.opencode/commands/deploy.md", "Deploy.\n"},
                    {"repo/crates/app/.agentry/commands/local.md", "Near the cwd.\n"},
                    {"repo/.claude/commands/notes.txt", "not a command"}});
  auto set = m.load();
  std::vector<std::string> names;
  for (const auto& c : set.commands())
    names.push_back(c.name + "@" + c.scope);
  CHECK(names == std::vector<std::string>{"deploy@project", "frontend:component@project",
                                          "local@project", "mine@user", "oc@user",
                                          "shared@project"});
  REQUIRE(set.find("shared") != nullptr);
  CHECK(set.find("shared")->body == "Project's shared.");
  // The project's shadows the user's, with a note.
  REQUIRE_FALSE(set.diagnostics().empty());
  CHECK(set.diagnostics().back().severity == Severity::kInfo);
  CHECK(set.diagnostics().back().message.find("shadows") != std::string::npos);
}

TEST_CASE("a namespaced command answers to its full name, and to its last part when unique") {
  CommandMachine m({{"repo/.claude/commands/frontend/component.md", "Component.\n"},
                    {"repo/.claude/commands/frontend/test.md", "Frontend tests.\n"},
                    {"repo/.claude/commands/backend/test.md", "Backend tests.\n"}});
  auto set = m.load();
  REQUIRE(set.find("frontend:component") != nullptr);
  CHECK(set.find("component") == set.find("frontend:component"));
  CHECK(set.find("test") == nullptr);  // two have it
  CHECK(set.find("backend:test")->body == "Backend tests.");
  CHECK(set.find("frontend") == nullptr);
}

TEST_CASE("an unreadable command file is an error naming it, the others still load") {
  CommandMachine m({{"repo/.claude/commands/good.md", "Good.\n"},
                    {"repo/.claude/commands/huge.md", std::string(kMaxCommandFileBytes + 1, 'x')}});
  fs::path fifo = m.repo / ".claude" / "commands" / "fifo.md";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto set = m.load();
  REQUIRE(set.commands().size() == 1);
  CHECK(set.commands()[0].name == "good");
  int errors = 0;
  for (const auto& d : set.diagnostics()) {
    if (d.severity != Severity::kError) continue;
    ++errors;
    CHECK((d.file.filename() == "huge.md" || d.file.filename() == "fifo.md"));
  }
  CHECK(errors == 2);
}

}  // namespace agentry::agents
