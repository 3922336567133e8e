#include "agents/registry.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

std::string agent(std::string_view name, std::string_view description) {
  return "---\nname: " + std::string(name) + "\ndescription: " + std::string(description) +
         "\n---\nPrompt.\n";
}

/// A machine in a temp dir: data dir, home, XDG config, a repository with a nested cwd.
struct Machine {
  testing::TempDir dir{"agentry-registry"};
  Environment env;
  fs::path data = dir.path() / "data";
  fs::path home = dir.path() / "home";
  fs::path repo = dir.path() / "repo";
  fs::path cwd = repo / "crates" / "app";

  Machine() {
    env.set("HOME", home.string());
    env.set("XDG_CONFIG_HOME", (home / "cfg").string());
    fs::create_directories(cwd);
    fs::create_directories(repo / ".git");
  }
  std::vector<SearchDir> search_path(std::vector<fs::path> extra = {}) const {
    return agent_search_path(env, data, cwd, extra);
  }
};

/// "scope:path, scope:path…", paths relative to `base`.
std::string paths_of(const std::vector<SearchDir>& dirs, const fs::path& base) {
  std::string out;
  for (const auto& d : dirs) {
    if (!out.empty()) out += ", ";
    out += d.scope + ":" + d.path.lexically_relative(base).string();
  }
  return out;
}

}  // namespace

TEST_CASE("the search path runs builtin -> user -> project (root down to cwd) -> extra") {
  Machine m;
  for (const char* dir : {"data/agents", "home/.claude/agents", "home/cfg/opencode/agent",
                          "home/cfg/opencode/agents", "home/cfg/agentry/agents",
                          "repo/.claude/agents", "repo/.opencode/agent", "repo/.opencode/agents",
                          "repo/.agentry/agents", "repo/crates/app/.agentry/agents", "extra1"}) {
    fs::create_directories(m.dir.path() / dir);
  }
  auto dirs = m.search_path({m.dir.path() / "extra1", m.dir.path() / "extra-missing"});
  CHECK(paths_of(dirs, m.dir.path()) ==
        "builtin:data/agents, user:home/.claude/agents, user:home/cfg/opencode/agent, "
        "user:home/cfg/opencode/agents, user:home/cfg/agentry/agents, "
        "project:repo/.claude/agents, project:repo/.opencode/agent, "
        "project:repo/.opencode/agents, project:repo/.agentry/agents, "
        "project:repo/crates/app/.agentry/agents, extra:extra1, extra:extra-missing");
}

TEST_CASE("without a repository only the working directory is searched for project agents") {
  testing::TempDir dir;
  Environment env;
  env.set("HOME", (dir.path() / "home").string());
  fs::create_directories(dir.path() / "a" / "b" / ".claude" / "agents");
  fs::create_directories(dir.path() / "a" / ".claude" / "agents");
  auto dirs = agent_search_path(env, dir.path() / "data", dir.path() / "a" / "b", {});
  CHECK(paths_of(dirs, dir.path()) == "project:a/b/.claude/agents");
}

TEST_CASE("a folder reached twice is searched once, at its first place") {
  Machine m;
  m.env.set("HOME", m.repo.string());
  fs::create_directories(m.repo / ".claude" / "agents");
  auto dirs = m.search_path();
  CHECK(paths_of(dirs, m.dir.path()) == "user:repo/.claude/agents");
}

TEST_CASE("later wins, shadowing is reported naming both files, lookups work") {
  Machine m;
  testing::TempDir extra;
  m.dir.write("data/agents/rust-pro.md", agent("rust-pro", "builtin"));
  m.dir.write("data/agents/orchestrator.md", agent("orchestrator", "builtin"));
  m.dir.write("home/.claude/agents/rust-pro.md", agent("rust-pro", "user claude"));
  m.dir.write("home/cfg/agentry/agents/rust-pro.md", agent("rust-pro", "user agentry"));
  m.dir.write("repo/.opencode/agents/review/security.md", "---\ndescription: project\n---\nP\n");
  m.dir.write("repo/crates/app/.agentry/agents/x.md", "no front-matter\n");
  extra.write("orchestrator.md", agent("orchestrator", "extra"));

  Registry registry = Registry::load(m.search_path({extra.path()}));
  REQUIRE(registry.agents().size() == 3);
  CHECK(registry.agents()[0].name == "orchestrator");
  CHECK(registry.agents()[1].name == "review/security");
  CHECK(registry.agents()[2].name == "rust-pro");
  CHECK(registry.files_loaded() == 6);

  REQUIRE(registry.find("rust-pro") != nullptr);
  CHECK(registry.find("rust-pro")->description == "user agentry");
  CHECK(registry.find("rust-pro")->scope == "user");
  CHECK(registry.find("orchestrator")->description == "extra");
  CHECK(registry.find("review/security")->scope == "project");
  CHECK(registry.find("nope") == nullptr);

  std::vector<Diagnostic> shadows;
  std::size_t errors = 0;
  for (const auto& d : registry.diagnostics()) {
    if (d.message.find("is defined again here") != std::string::npos) shadows.push_back(d);
    if (d.severity == Severity::kError) ++errors;
  }
  CHECK(errors == 1);
  REQUIRE(shadows.size() == 3);
  // user/.claude shadows builtin: a deliberate override, an info note.
  CHECK(shadows[0].severity == Severity::kInfo);
  CHECK(shadows[0].file == m.home / ".claude" / "agents" / "rust-pro.md");
  CHECK(shadows[0].message == "agent 'rust-pro' is defined again here: it shadows " +
                                  (m.data / "agents" / "rust-pro.md").string() +
                                  " (builtin scope), the later definition wins");
  // two user folders define it: likely a mistake, a warning.
  CHECK(shadows[1].severity == Severity::kWarning);
  CHECK(shadows[1].file == m.home / "cfg" / "agentry" / "agents" / "rust-pro.md");
  CHECK(shadows[1].message.find((m.home / ".claude" / "agents" / "rust-pro.md").string()) !=
        std::string::npos);
  CHECK(shadows[2].severity == Severity::kInfo);
}

TEST_CASE("a missing --agents-dir is an error, the rest still loads") {
  Machine m;
  m.dir.write("data/agents/a.md", agent("a", "d"));
  Registry registry = Registry::load(m.search_path({m.dir.path() / "nowhere"}));
  CHECK(registry.agents().size() == 1);
  REQUIRE(registry.diagnostics().size() == 1);
  CHECK(registry.diagnostics()[0].severity == Severity::kError);
  CHECK(registry.diagnostics()[0].file == m.dir.path() / "nowhere");
}

TEST_CASE("similar names for did-you-mean hints, closest first") {
  LoadResult loaded;
  for (const char* name :
       {"rust-pro", "rust-engineer", "python-pro", "orchestrator", "golang-pro"}) {
    AgentDefinition def;
    def.name = name;
    loaded.agents.push_back(def);
  }
  Registry registry = Registry::from_loaded(std::move(loaded));
  CHECK(registry.similar_names("rust-por") == std::vector<std::string>{"rust-pro"});
  CHECK(registry.similar_names("rust") == std::vector<std::string>{"rust-pro", "rust-engineer"});
  CHECK(registry.similar_names("orchestrater") == std::vector<std::string>{"orchestrator"});
  CHECK(registry.similar_names("zzzzzzzz").empty());
}

}  // namespace agentry::agents
