#include "cli/chat/shell_command.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::cli::chat {

TEST_CASE("!cmd and !!cmd lines") {
  CHECK(parse_shell_line("!ls -l")->command == "ls -l");
  CHECK_FALSE(parse_shell_line("!ls -l")->share);
  CHECK(parse_shell_line("  !! cargo tree  ")->command == "cargo tree");
  CHECK(parse_shell_line("!!cargo tree")->share);
  CHECK_FALSE(parse_shell_line("!"));
  CHECK_FALSE(parse_shell_line("!!  "));
  CHECK_FALSE(parse_shell_line("say !hi"));
}

TEST_CASE("a shell command runs in the workspace through /bin/sh, controls stripped") {
  testing::TempDir dir;
  dir.write("a.txt", "x");
  tools::PosixProcessRunner runner;
  Environment env({{"PATH", "/usr/bin:/bin"}, {"WHO", "me"}});
  auto out = run_shell_command(
      runner, "ls *.txt | tr a A; printf '\\033[31mred\\033[0m\\n'; echo $WHO >&2; exit 3",
      dir.path(), env, {});
  CHECK(out.error.empty());
  CHECK_FALSE(out.cancelled);
  CHECK(out.exit_code == 3);
  CHECK(out.output == "A.txt\nred\nme\n");
  CHECK(shared_command_context("ls", out) ==
        "<command-output command=\"ls\" exit_code=\"3\">\nA.txt\nred\nme\n</command-output>");
}

TEST_CASE("a stopped shell command is reported as cancelled") {
  testing::TempDir dir;
  tools::PosixProcessRunner runner;
  std::stop_source stop;
  stop.request_stop();
  Environment env;
  env.set("PATH", "/usr/bin:/bin");
  auto out = run_shell_command(runner, "sleep 5", dir.path(), env, stop.get_token());
  CHECK(out.cancelled);
}

}  // namespace agentry::cli::chat
