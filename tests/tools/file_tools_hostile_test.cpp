// The file tools against a hostile tree: FIFOs and devices, a sparse file with a 2 GiB hole, a
// folder swapped for a symlink after the path was checked, a timeout already past.
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "file_tools_fixture.hpp"
#include "tools/executors.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;
using testing_support::FileToolsFixture;

namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

/// 8 KiB of text lines, then a hole up to 2 GiB (no disk used).
void make_sparse(const fs::path& file) {
  std::string text;
  for (int i = 0; text.size() < 8192; ++i)
    text += "line " + std::to_string(i) + " of the sparse file\n";
  std::ofstream(file, std::ios::binary) << text;
  REQUIRE(::truncate(file.c_str(), 2LL * 1024 * 1024 * 1024) == 0);
}

}  // namespace

TEST_CASE("file tools refuse a FIFO or a device at once, and walks skip them") {
  FileToolsFixture f;
  f.dir.write("src/lib.rs", "pub fn notes() {}\n");
  REQUIRE(::mkfifo((f.dir.path() / "NOTES.md").c_str(), 0644) == 0);
  fs::create_symlink("/dev/zero", f.dir.path() / "zero");
  auto read = f.call("read_file", {{"path", "NOTES.md"}});
  CHECK(read.is_error);
  CHECK(read.content ==
        "`NOTES.md` is a FIFO (named pipe), not a regular file; file tools only read and edit "
        "regular files");
  auto edit = f.call("edit_file", {{"path", "NOTES.md"}, {"old_string", "a"}, {"new_string", "b"}});
  CHECK(edit.is_error);
  CHECK(contains(edit.content, "is a FIFO (named pipe)"));
  // A symlink out is refused before any open; an in-workspace device node needs root to make,
  // so /dev/null is reached the way a read would: its type is what counts.
  CHECK(f.call("read_file", {{"path", "zero"}}).is_error);
  auto grep = f.call("grep", {{"pattern", "notes"}});
  CHECK(contains(grep.content, "src/lib.rs:1:pub fn notes() {}"));
  CHECK_FALSE(contains(grep.content, "NOTES.md"));
  auto glob = f.call("glob", {{"pattern", "*"}});
  CHECK_FALSE(contains(glob.content, "NOTES.md"));
  auto list = f.call("list_files", nlohmann::json::object());
  CHECK_FALSE(contains(list.content, "NOTES.md"));
  CHECK(contains(list.content, "[1 FIFOs, sockets or devices not listed]"));
  // write_file replaces the FIFO by a file (a rename), it never opens it.
  auto write = f.call("write_file", {{"path", "NOTES.md"}, {"content", "notes\n"}});
  CHECK_FALSE(write.is_error);
  CHECK(fs::is_regular_file(f.dir.path() / "NOTES.md"));
}

TEST_CASE("a sparse file with a 2 GiB hole is read only as far as the answer needs") {
  FileToolsFixture f;
  make_sparse(f.dir.path() / "sparse.txt");
  auto read = f.call("read_file", {{"path", "sparse.txt"}, {"limit", 10}});
  CHECK_FALSE(read.is_error);
  CHECK(contains(read.content, "1\tline 0 of the sparse file\n"));
  CHECK(contains(read.content, "[lines 1-10 of at least"));
  CHECK(read.details["total_lines_exact"] == false);
  CHECK(read.details["bytes"] == 2LL * 1024 * 1024 * 1024);
  // The whole default window: the text, then the hole as one long line, cut.
  auto all = f.call("read_file", {{"path", "sparse.txt"}});
  CHECK_FALSE(all.is_error);
  CHECK(contains(all.content, "[... line cut: "));
  CHECK(all.content.size() <= 131072);
  auto far = f.call("read_file", {{"path", "sparse.txt"}, {"offset", 100000}});
  CHECK(far.is_error);
  CHECK(contains(far.content, "use grep to find the lines you need"));
  auto edit =
      f.call("edit_file", {{"path", "sparse.txt"}, {"old_string", "line 0"}, {"new_string", "x"}});
  CHECK(edit.is_error);
  CHECK(contains(edit.content, "edit_file edits files of at most 8388608 bytes (8 MiB)"));
  auto grep = f.call("grep", {{"pattern", "line 1 of"}});
  CHECK(contains(grep.content, "[1 binary, oversized or unreadable files skipped]"));
  auto write = f.call("write_file", {{"path", "sparse.txt"}, {"content", "small\n"}});
  CHECK(write.content == "replaced `sparse.txt`: 2147483648 bytes before, 1 lines (6 bytes) now");
}

TEST_CASE("in-process tools stop at their deadline and on cancellation") {
  FileToolsFixture f;
  for (int i = 0; i < 50; ++i)
    f.dir.write("src/f" + std::to_string(i) + ".rs", "fn x() {}\n");
  f.context.deadline = std::chrono::steady_clock::now();
  auto grep = f.call("grep", {{"pattern", "fn"}});
  CHECK(contains(grep.content, "[grep stopped at its time limit of"));
  std::stop_source stop;
  stop.request_stop();
  f.context.stop = stop.get_token();
  auto cancelled = f.registry.find("grep")->run({{"pattern", "fn"}}, f.context);
  REQUIRE_FALSE(cancelled);
  CHECK(cancelled.error().code == ErrorCode::kCancelled);
}

TEST_CASE("a folder swapped for a symlink after the check: the write does not follow it") {
  FileToolsFixture f;
  testing::TempDir outside("agentry-outside");
  f.dir.write("docs/readme.md", "old\n");
  auto ws = Workspace::open(f.dir.path());
  REQUIRE(ws);
  auto resolved = ws->resolve("docs/readme.md");
  REQUIRE(resolved);
  // The race, made deterministic: docs/ becomes a link out between resolve and write.
  fs::rename(f.dir.path() / "docs", f.dir.path() / "docs.real");
  fs::create_directory_symlink(outside.path(), f.dir.path() / "docs");
  auto written = write_file_atomically(*ws, *resolved, "pwned\n", {.create_folders = true});
  REQUIRE_FALSE(written);
  CHECK(written.error().code == ErrorCode::kPermission);
  CHECK(
      contains(written.error().message, "leads outside the workspace through the symlink `docs`"));
  CHECK(fs::is_empty(outside.path()));
  // The same into a settings folder: refused unless the call was decided as a settings write.
  fs::remove(f.dir.path() / "docs");
  fs::create_directories(f.dir.path() / ".git");
  fs::create_directory_symlink(".git", f.dir.path() / "docs");
  auto into_git = write_file_atomically(*ws, *resolved, "[core]\n", {});
  REQUIRE_FALSE(into_git);
  CHECK(contains(into_git.error().message, "now leads into a settings folder (`.git/readme.md`)"));
  CHECK_FALSE(fs::exists(f.dir.path() / ".git" / "readme.md"));
  CHECK(write_file_atomically(*ws, *resolved, "[core]\n", {.may_write_settings = true}));
  CHECK(fs::exists(f.dir.path() / ".git" / "readme.md"));
}

}  // namespace agentry::tools
