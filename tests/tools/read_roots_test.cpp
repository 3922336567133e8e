// The folders of loaded skills (ToolContext::read_roots): readable by the reading file tools even
// outside the workspace, confined like the workspace, never writable.
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "file_tools_fixture.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;
using testing_support::FileToolsFixture;

namespace {

/// A workspace and, outside it, a skills folder with the loaded skill `pdf`, a sibling skill and
/// a secret beside them; `pdf` holds symlinks that lead out.
struct SkillFolders : FileToolsFixture {
  testing::TempDir outside{"agentry-skills"};
  fs::path skill;
  fs::path sibling;

  SkillFolders() {
    outside.write("skills/pdf/SKILL.md", "---\nname: pdf\n---\nRead reference.md.\n");
    outside.write("skills/pdf/reference.md", "page ranges: use -f and -l\n");
    outside.write("skills/pdf/scripts/extract.sh", "pdftotext \"$1\"\n");
    outside.write("skills/other/SKILL.md", "---\nname: other\n---\nsibling secret\n");
    outside.write("secret/key.txt", "sibling secret: hunter2\n");
    skill = fs::canonical(outside.path() / "skills" / "pdf");
    sibling = fs::canonical(outside.path() / "skills" / "other");
    fs::create_symlink("../../secret/key.txt", skill / "leak.txt");
    fs::create_symlink("../../secret", skill / "leak_dir");
    dir.write("src/lib.rs", "fn main() {}\n");
  }

  void load_skill() { context.read_roots = {skill}; }
  std::string in_skill(std::string_view rel) const { return (skill / rel).string(); }
};

}  // namespace

TEST_CASE("a skill's folder outside the workspace is readable only once it is a read root") {
  SkillFolders f;
  auto before = f.call("read_file", {{"path", f.in_skill("reference.md")}});
  CHECK(before.is_error);
  CHECK(before.content.find("is outside the workspace") != std::string::npos);

  f.load_skill();
  auto read = f.call("read_file", {{"path", f.in_skill("reference.md")}});
  CHECK_FALSE(read.is_error);
  CHECK(read.content == "1\tpage ranges: use -f and -l\n");
  CHECK(read.details["path"] == f.in_skill("reference.md"));
  // The same file named from the workspace with `..`.
  std::string relative = (f.skill / "reference.md").lexically_relative(fs::canonical(f.dir.path()));
  CHECK_FALSE(f.call("read_file", {{"path", relative}}).is_error);
  // The workspace itself is as before.
  CHECK(f.call("read_file", {{"path", "src/lib.rs"}}).content == "1\tfn main() {}\n");

  auto listed = f.call("list_files", {{"path", f.skill.string()}});
  CHECK_FALSE(listed.is_error);
  CHECK(listed.content.find(f.skill.generic_string() + "/\n") == 0);
  CHECK(listed.content.find("reference.md") != std::string::npos);
  CHECK(listed.content.find("scripts/") != std::string::npos);

  auto globbed = f.call("glob", {{"path", f.skill.string()}, {"pattern", "**/*.sh"}});
  CHECK(globbed.content == f.in_skill("scripts/extract.sh") + "\n");

  auto grepped = f.call("grep", {{"path", f.skill.string()}, {"pattern", "page|secret"}});
  CHECK(grepped.content.find(f.in_skill("reference.md") + ":1:page ranges: use -f and -l\n") == 0);
  CHECK(grepped.content.find("hunter2") == std::string::npos);
}

TEST_CASE("reading a skill's folder stays inside it: siblings, .. and symlinks out are refused") {
  SkillFolders f;
  f.load_skill();
  auto sibling = f.call("read_file", {{"path", (f.sibling / "SKILL.md").string()}});
  CHECK(sibling.is_error);
  CHECK(sibling.content.find("nor inside the folder of a loaded skill") != std::string::npos);
  CHECK(f.call("read_file", {{"path", f.in_skill("../other/SKILL.md")}}).is_error);
  CHECK(f.call("read_file", {{"path", f.in_skill("../../secret/key.txt")}}).is_error);
  CHECK(f.call("list_files", {{"path", f.sibling.string()}}).is_error);
  CHECK(f.call("grep", {{"path", f.sibling.string()}, {"pattern", "secret"}}).is_error);
  CHECK(f.call("glob", {{"path", f.in_skill("..")}, {"pattern", "**"}}).is_error);

  auto leak = f.call("read_file", {{"path", f.in_skill("leak.txt")}});
  CHECK(leak.is_error);
  CHECK(leak.content.find("hunter2") == std::string::npos);
  CHECK(f.call("read_file", {{"path", f.in_skill("leak_dir/key.txt")}}).is_error);
  CHECK(f.call("list_files", {{"path", f.in_skill("leak_dir")}}).is_error);
  // A walk of the folder does not follow the links either.
  auto grepped = f.call("grep", {{"path", f.skill.string()}, {"pattern", "hunter2"}});
  CHECK(grepped.content.find("no matches") == 0);
}

TEST_CASE("a skill's folder is never writable, loaded or not") {
  SkillFolders f;
  f.load_skill();
  std::string target = f.in_skill("reference.md");
  auto write = f.call("write_file", {{"path", target}, {"content", "overwritten\n"}});
  CHECK(write.is_error);
  auto edit =
      f.call("edit_file", {{"path", target}, {"old_string", "page"}, {"new_string", "PAGE"}});
  CHECK(edit.is_error);
  auto created = f.call("write_file", {{"path", f.in_skill("new.md")}, {"content", "x\n"}});
  CHECK(created.is_error);
  CHECK(testing::read_file(f.skill / "reference.md") == "page ranges: use -f and -l\n");
  CHECK_FALSE(fs::exists(f.skill / "new.md"));
}

}  // namespace agentry::tools
