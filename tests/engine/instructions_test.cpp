// Issue 21, project instructions: AGENTS.md from the repository root down to the working
// directory (a folder's CLAUDE.md when it has none), the user's files first, `@path` imports
// (relative to the file, at most five deep, cycles refused, a project's confined to it), a cap.
#include "engine/instructions.hpp"

#include <algorithm>
#include <sys/stat.h>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::engine {
namespace {

namespace fs = std::filesystem;

/// A repository (repo/, with .git) inside a home (home/), and the home's files outside it.
struct InstructionTree {
  agentry::testing::TempDir dir{"agentry-instructions"};

  InstructionTree() { fs::create_directories(repo() / ".git"); }
  fs::path home() const { return dir.path() / "home"; }
  fs::path repo() const { return home() / "repo"; }
  void write(const fs::path& rel, std::string_view text) const { dir.write(rel, text); }
  /// Writes each {path, text}.
  void write(std::initializer_list<std::pair<const char*, std::string>> files) const {
    for (const auto& [rel, text] : files)
      dir.write(rel, text);
  }

  InstructionSources sources() const {
    InstructionSources s;
    s.user_files = {dir.path() / "config/agentry/AGENTS.md", home() / ".claude/CLAUDE.md"};
    s.home = home();
    return s;
  }
  Instructions load(const fs::path& cwd) const { return load_instructions(cwd, sources()); }
};

std::vector<std::string> shown(const Instructions& read) {
  std::vector<std::string> out;
  for (const auto& f : read.files)
    out.push_back(f.imported_by.empty() ? f.shown : f.shown + " < " + f.imported_by);
  return out;
}

std::string all_text(const Instructions& read) {
  std::string out;
  for (const auto& f : read.files)
    out += f.text + "\n";
  return out;
}

std::string all_warnings(const Instructions& read) {
  std::string out;
  for (const auto& w : read.warnings)
    out += w + "\n";
  return out;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("instructions: find_imports takes @paths on their own or inline, not code or e-mail") {
  auto found = find_imports(
      "@docs/build.md\n"
      "See @notes/style.md, and @~/personal.md.\n"
      "Mail me at me@example.com or `@in/span.md` or ``a ` @in/double.md``.\n"
      "```sh\n"
      "@in/fence.md\n"
      "```\n"
      "~~~\n"
      "@in/tilde.md\n"
      "~~~\n"
      "\t@tabbed.md (@paren.md) @@twice\n");
  std::vector<std::pair<std::string, int>> got;
  for (const auto& m : found)
    got.emplace_back(m.path, m.line);
  CHECK(got ==
        std::vector<std::pair<std::string, int>>{
            {"docs/build.md", 1}, {"notes/style.md", 2}, {"~/personal.md", 2}, {"tabbed.md", 10}});
}

TEST_CASE("instructions: nested AGENTS.md from the root down, CLAUDE.md only where none, imports") {
  InstructionTree t;
  t.write({
      {"home/repo/AGENTS.md", "ROOT rules.\nBuild as @docs/build.md says.\n"},
      {"home/repo/docs/build.md", "BUILD with cargo.\n"},
      {"home/repo/crate/AGENTS.md", "CRATE rules.\n"},
      {"home/repo/crate/CLAUDE.md", "CRATE CLAUDE, not read beside an AGENTS.md.\n"},
      {"home/repo/crate/src/CLAUDE.md", "SRC fallback.\n"},
      {"home/repo/other/AGENTS.md", "OTHER, not on the way down.\n"},
      {"config/agentry/AGENTS.md", "USER agentry rules.\n"},
      {"home/.claude/CLAUDE.md", "USER claude rules.\n"},
  });

  auto read = t.load(t.repo() / "crate" / "src");
  CHECK(read.warnings.empty());
  CHECK(shown(read) == Names{(t.dir.path() / "config/agentry/AGENTS.md").string(),
                             "~/.claude/CLAUDE.md", "AGENTS.md", "docs/build.md < AGENTS.md",
                             "crate/AGENTS.md", "crate/src/CLAUDE.md"});
  CHECK(read.files[2].text == "ROOT rules.\nBuild as @docs/build.md says.\n");
  CHECK(read.files[5].text == "SRC fallback.\n");
  CHECK(read.files[5].path == fs::canonical(t.repo() / "crate/src/CLAUDE.md"));
  CHECK(all_text(read).find("not read beside") == std::string::npos);
  CHECK(all_text(read).find("OTHER") == std::string::npos);

  // From the root: the root's file alone (with its import).
  CHECK(shown(t.load(t.repo())).size() == 4);
}

TEST_CASE("instructions: without a repository only the working directory's file is read") {
  agentry::testing::TempDir dir("agentry-instructions");
  dir.write("AGENTS.md", "PARENT\n");
  dir.write("ws/AGENTS.md", "WS\n");
  auto read = load_instructions(dir.path() / "ws", {});
  CHECK(shown(read) == Names{"AGENTS.md"});
  CHECK(read.files[0].text == "WS\n");
  CHECK(repository_root(dir.path() / "ws") == dir.path() / "ws");
}

TEST_CASE("instructions: an import cycle is refused with a note, each file read once") {
  InstructionTree t;
  t.write({
      {"home/repo/AGENTS.md", "ROOT @a.md\n"},
      {"home/repo/a.md", "A imports @b.md\n"},
      {"home/repo/b.md", "B imports @a.md and @AGENTS.md and @./b.md\n"},
  });
  auto read = t.load(t.repo());
  CHECK(shown(read) == Names{"AGENTS.md", "a.md < AGENTS.md", "b.md < a.md"});
  std::string warnings = all_warnings(read);
  CHECK(warnings.find("b.md:1: @a.md not imported again: an import cycle (AGENTS.md → a.md → "
                      "b.md → a.md)") != std::string::npos);
  CHECK(warnings.find("@AGENTS.md not imported again: an import cycle") != std::string::npos);
  CHECK(warnings.find("@./b.md not imported again: an import cycle") != std::string::npos);
  CHECK(read.warnings.size() == 3);
}

TEST_CASE("instructions: a file imported twice, or imported and found, is read once, silently") {
  InstructionTree t;
  t.write({
      {"home/repo/AGENTS.md", "@shared.md @crate/AGENTS.md\n"},
      {"home/repo/shared.md", "SHARED\n"},
      {"home/repo/crate/AGENTS.md", "CRATE @../shared.md\n"},
  });
  auto read = t.load(t.repo() / "crate");
  CHECK(shown(read) == Names{"AGENTS.md", "shared.md < AGENTS.md", "crate/AGENTS.md < AGENTS.md"});
  CHECK(read.warnings.empty());
}

TEST_CASE("instructions: imports nest five deep, the sixth is refused") {
  InstructionTree t;
  t.write("home/repo/AGENTS.md", "ROOT @d1.md\n");
  for (int i = 1; i <= 6; ++i) {
    std::string n = std::to_string(i);
    t.write("home/repo/d" + n + ".md",
            "level " + n + (i < 6 ? " @d" + std::to_string(i + 1) + ".md\n" : "\n"));
  }
  auto read = t.load(t.repo());
  CHECK(read.files.size() == 6);  // the root and d1..d5
  CHECK(read.files.back().shown == "d5.md");
  CHECK(all_text(read).find("level 6") == std::string::npos);
  REQUIRE(read.warnings.size() == 1);
  CHECK(read.warnings[0] ==
        "d5.md:1: @d6.md not imported: imports nest at most 5 deep (AGENTS.md → d1.md → d2.md → "
        "d3.md → d4.md → d5.md → d6.md)");
}

TEST_CASE("instructions: a project's import that leaves the project is refused with a warning") {
  InstructionTree t;
  t.write("home/secret.md", "SECRET of the user\n");
  t.write("home/repo/AGENTS.md", "ROOT\n@../secret.md\n@~/secret.md\n@" +
                                     (t.home() / "secret.md").string() +
                                     "\n@link.md\n@linkdir/secret.md\n@docs/../docs/ok.md\n");
  t.write("home/repo/docs/ok.md", "OK inside\n");
  fs::create_symlink(t.home() / "secret.md", t.repo() / "link.md");
  fs::create_symlink(t.home(), t.repo() / "linkdir");
  // A folder's AGENTS.md that is a symlink out of the project is not read either.
  fs::create_directories(t.repo() / "crate");
  fs::create_symlink(t.home() / "secret.md", t.repo() / "crate" / "AGENTS.md");

  auto read = t.load(t.repo() / "crate");
  CHECK(shown(read) == Names{"AGENTS.md", "docs/ok.md < AGENTS.md"});
  CHECK(all_text(read).find("SECRET") == std::string::npos);
  std::string warnings = all_warnings(read);
  INFO(warnings);
  for (std::string line :
       {"AGENTS.md:2: @../secret.md not imported: it is outside the project",
        "AGENTS.md:3: @~/secret.md not imported: it is outside the project",
        "AGENTS.md:5: @link.md not imported: it is outside the project",
        "AGENTS.md:6: @linkdir/secret.md not imported: it is outside the project",
        "crate/AGENTS.md: not read: it leads outside the project"})
    CHECK(warnings.find(line) != std::string::npos);
  CHECK(warnings.find("AGENTS.md:4: @/") != std::string::npos);
  CHECK(read.warnings.size() == 6);
}

TEST_CASE("instructions: the user's files import from the home, relative and absolute paths") {
  InstructionTree t;
  t.write({
      {"home/.claude/CLAUDE.md", "USER @~/notes/style.md @rules.md\n"},
      {"home/.claude/rules.md", "RULES beside it\n"},
      {"home/notes/style.md", "STYLE from the home\n"},
      {"config/agentry/AGENTS.md", "same text\n"},
  });
  auto read = t.load(t.repo());
  CHECK(shown(read) == Names{(t.dir.path() / "config/agentry/AGENTS.md").string(),
                             "~/.claude/CLAUDE.md", "~/notes/style.md < ~/.claude/CLAUDE.md",
                             "~/.claude/rules.md < ~/.claude/CLAUDE.md"});
  CHECK(read.warnings.empty());
}

TEST_CASE("instructions: the user's two files read once when they are the same") {
  InstructionTree t;
  t.write("home/.claude/CLAUDE.md", "one set of rules\n");
  fs::create_directories(t.dir.path() / "config/agentry");
  fs::create_symlink(t.home() / ".claude/CLAUDE.md", t.dir.path() / "config/agentry/AGENTS.md");
  CHECK(t.load(t.repo()).files.size() == 1);
  fs::remove(t.dir.path() / "config/agentry/AGENTS.md");
  t.write("config/agentry/AGENTS.md", "one set of rules\n");  // a copy
  CHECK(t.load(t.repo()).files.size() == 1);
}

TEST_CASE("instructions: a missing import that names a file is a warning, a mention is not") {
  InstructionTree t;
  t.write("home/repo/AGENTS.md", "Ask @alice about @types/node; see @docs/missing.md.\n");
  auto read = t.load(t.repo());
  CHECK(read.files.size() == 1);
  REQUIRE(read.warnings.size() == 1);
  CHECK(read.warnings[0] == "AGENTS.md:1: @docs/missing.md not imported: no such file");
}

TEST_CASE("instructions: past the cap the file is cut, the rest left out, a warning names them") {
  InstructionTree t;
  t.write("home/.claude/CLAUDE.md", std::string(40, 'u') + "\n");
  t.write({
      {"home/repo/AGENTS.md", "root line one\nroot line two\nroot line three\n@more.md\n"},
      {"home/repo/more.md", "MORE\n"},
      {"home/repo/crate/AGENTS.md", "CRATE\n"},
  });
  auto sources = t.sources();
  sources.max_bytes = 70;
  auto read = load_instructions(t.repo() / "crate", sources);
  CHECK(shown(read) == Names{"~/.claude/CLAUDE.md", "AGENTS.md"});
  // 41 bytes of the user's, then root's lines up to the last whole line within the 29 left.
  CHECK(read.files[1].text.starts_with("root line one\nroot line two\n[… cut here"));
  REQUIRE(read.warnings.size() == 1);
  CHECK(read.warnings[0] ==
        "AGENTS.md: instructions pass agentry's cap of 70 bytes: cut after 28 bytes; left out: "
        "crate/AGENTS.md; shorten them, or move detail into files the agent reads when it needs "
        "them");
  // The default cap is 64 KiB; a 100 KiB file is cut there.
  t.write("home/repo/AGENTS.md", std::string(100 * 1024, 'x'));
  auto big = t.load(t.repo());
  REQUIRE(big.files.size() == 2);
  CHECK(big.files[0].text.size() + big.files[1].text.size() < kInstructionsMaxBytes + 100);
  CHECK(big.warnings.size() == 1);
}

TEST_CASE("instructions: a FIFO or a folder named AGENTS.md is not read, and does not hang") {
  InstructionTree t;
  REQUIRE(::mkfifo((t.repo() / "AGENTS.md").c_str(), 0600) == 0);
  fs::create_directories(t.repo() / "crate" / "AGENTS.md");
  auto read = t.load(t.repo() / "crate");
  CHECK(read.files.empty());
  CHECK(all_warnings(read) ==
        "AGENTS.md: not read: not a regular file\ncrate/AGENTS.md: not read: not a regular file\n");
}

}  // namespace agentry::engine
