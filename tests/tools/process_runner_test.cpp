#include "tools/process_runner.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <doctest/doctest.h>

#include "core/unique_fd.hpp"
#include "support/temp_dir.hpp"

namespace agentry::tools {

namespace {

ProcessRequest sh(const std::filesystem::path& cwd, std::string script) {
  ProcessRequest req;
  req.argv = {"/bin/sh", "-c", std::move(script)};
  req.cwd = cwd;
  req.environment = child_environment(Environment::from_process());
  return req;
}

/// True when `pid` no longer runs: gone, or a zombie waiting for someone else's wait().
bool is_dead_now(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

/// A SIGKILL is queued synchronously but acted on asynchronously: allow the kernel a moment.
bool is_dead(pid_t pid) {
  for (int i = 0; i < 200; ++i) {
    if (is_dead_now(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

pid_t read_pid(const std::filesystem::path& file) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(file);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

}  // namespace

TEST_CASE("a program runs with argv, cwd and captured output") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  auto req = sh(dir.path(), "pwd; echo oops >&2; exit 3");
  auto result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->exit_code == 3);
  CHECK(result->term_signal == 0);
  CHECK_FALSE(result->timed_out);
  CHECK(result->out.text == dir.path().string() + "\n");
  CHECK(result->err.text == "oops\n");
  CHECK_FALSE(result->succeeded());
}

TEST_CASE("input reaches the child's stdin, whatever its size, and without it stdin is empty") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  auto req = sh(dir.path(), "wc -c; cat >/dev/null; echo end");
  req.input = std::string(1 << 20, 'x');  // larger than a pipe holds
  auto result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->out.text == "1048576\nend\n");
  req.input.reset();
  result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->out.text == "0\nend\n");
}

TEST_CASE("arguments reach the program verbatim, no shell in between") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  ProcessRequest req;
  req.argv = {"printf", "%s|", "a b", "$HOME", "`x`;", "*"};
  req.cwd = dir.path();
  req.environment = child_environment(Environment::from_process());
  auto result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->out.text == "a b|$HOME|`x`;|*|");
}

TEST_CASE("a missing program or directory is an error naming it") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  ProcessRequest req;
  req.argv = {"no-such-program-xyz"};
  req.cwd = dir.path();
  req.environment.set("PATH", "/usr/bin:/bin");
  auto result = runner.run(req, {});
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kTool);
  CHECK(result.error().message == "program `no-such-program-xyz` not found in PATH");

  req.argv = {"true"};
  req.cwd = dir.path() / "missing";
  auto missing_dir = runner.run(req, {});
  REQUIRE_FALSE(missing_dir);
  CHECK(missing_dir.error().message.find("does not exist") != std::string::npos);
}

TEST_CASE("no API key or token reaches the child") {
  testing::TempDir dir;
  Environment parent;
  parent.set("PATH", "/usr/bin:/bin");
  parent.set("HOME", "/home/someone");
  parent.set("OPENAI_API_KEY", "sk-secret-1");
  parent.set("ANTHROPIC_API_KEY", "sk-ant-secret-2");
  parent.set("GITHUB_TOKEN", "ghp_secret3");
  parent.set("CARGO_REGISTRY_TOKEN", "secret4");
  parent.set("my_token_file", "secret5");
  parent.set("HF_APIKEY", "secret6");
  // A provider's api_key_env may have any name: marked secret, it is left out all the same.
  parent.set("LLM_GATEWAY_CRED", "secret7");
  parent.mark_secret("LLM_GATEWAY_CRED");
  parent.set("RUST_BACKTRACE", "1");
  parent.set("CARGO_TERM_COLOR", "always");
  PosixProcessRunner runner;
  ProcessRequest req;
  req.argv = {"/usr/bin/env"};
  req.cwd = dir.path();
  req.environment = child_environment(parent);
  auto result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->out.text == "CARGO_TERM_COLOR=never\nHOME=/home/someone\nPATH=/usr/bin:/bin\n");
  CHECK(result->out.text.find("secret") == std::string::npos);
}

TEST_CASE("a timeout ends a process tree that ignores SIGTERM") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  // The child ignores TERM and starts a grandchild that ignores TERM too; both must die.
  auto req = sh(dir.path(),
                "trap '' TERM; /bin/sh -c 'trap \"\" TERM; echo $$ > grandchild.pid; "
                "while :; do sleep 1; done' & echo $$ > child.pid; echo started; wait");
  req.timeout = std::chrono::milliseconds(300);
  req.kill_grace = std::chrono::milliseconds(200);
  auto result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->timed_out);
  CHECK(result->term_signal == SIGKILL);
  CHECK(result->out.text == "started\n");
  pid_t child = read_pid(dir.path() / "child.pid");
  pid_t grandchild = read_pid(dir.path() / "grandchild.pid");
  REQUIRE(child > 0);
  REQUIRE(grandchild > 0);
  CHECK(child == result->pid);
  CHECK(is_dead(child));
  CHECK(is_dead(grandchild));
}

TEST_CASE("the child is reaped: no zombie is left to wait for") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  auto result = runner.run(sh(dir.path(), "exit 0"), {});
  REQUIRE(result);
  CHECK(result->succeeded());
  errno = 0;
  CHECK(::waitpid(result->pid, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
  CHECK(is_dead(result->pid));
}

TEST_CASE("a background process left by the child does not outlive the call") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  auto result = runner.run(sh(dir.path(), "sleep 30 & echo $! > bg.pid; exit 0"), {});
  REQUIRE(result);
  CHECK(result->exit_code == 0);
  pid_t bg = read_pid(dir.path() / "bg.pid");
  REQUIRE(bg > 0);
  CHECK(is_dead(bg));
}

TEST_CASE("50 MB of output stays within the cap, head and tail kept") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  auto req = sh(dir.path(),
                "echo FIRST-LINE; head -c 52428800 /dev/zero | tr '\\0' 'x'; echo; echo LAST-LINE");
  req.capture_cap = 64 * 1024;
  auto result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->exit_code == 0);
  CHECK(result->out.total_bytes == 11 + 52428800 + 1 + 10);
  CHECK(result->out.text.size() <= 64 * 1024 + 64);
  CHECK(result->out.text.rfind("FIRST-LINE\n", 0) == 0);
  CHECK(result->out.text.ends_with("\nLAST-LINE\n"));
  CHECK(result->out.dropped_bytes > 52'000'000);
  CHECK(result->out.text.find("[... " + std::to_string(result->out.dropped_bytes) +
                              " bytes cut ...]") != std::string::npos);
}

TEST_CASE("a program printing without end is capped head and tail and killed at the timeout") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  // Both streams, forever; the grandchild (`yes`) is what prints.
  auto req = sh(dir.path(), "echo FIRST; yes 2>&1 | tee /dev/stderr");
  req.capture_cap = 64 * 1024;
  req.timeout = std::chrono::milliseconds(500);
  req.kill_grace = std::chrono::milliseconds(200);
  auto result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->timed_out);
  CHECK_FALSE(result->succeeded());
  for (const CapturedStream* s : {&result->out, &result->err}) {
    CHECK(s->text.size() <= 64 * 1024 + 64);
    CHECK(s->total_bytes > 4 * 64 * 1024);  // far more was printed than kept
    CHECK(s->dropped_bytes > 0);
    CHECK(s->total_bytes - s->dropped_bytes <= 64 * 1024);
    CHECK(s->text.find(" bytes cut ...]") != std::string::npos);
    CHECK(s->text.find("y\ny\ny\n", s->text.size() - 64) != std::string::npos);  // the tail
  }
  CHECK(result->out.text.rfind("FIRST\ny\n", 0) == 0);
}

TEST_CASE("a grandchild orphaned by a double fork, holding stdout, does not outlive the call") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  // The subshell starts the sleeper and exits at once: the sleeper is orphaned, still in the
  // group, and keeps the stdout pipe open.
  auto req = sh(dir.path(), "(sleep 30 & echo $! > gc.pid); echo parent-done; exit 0");
  req.timeout = std::chrono::seconds(60);
  auto result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->exit_code == 0);
  CHECK_FALSE(result->timed_out);  // it did not wait for the sleeper's pipe
  CHECK(result->out.text == "parent-done\n");
  pid_t gc = read_pid(dir.path() / "gc.pid");
  REQUIRE(gc > 0);
  CHECK(is_dead(gc));
}

TEST_CASE("a grandchild that leaves the group with setsid but holds stdout is killed too") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  // setsid puts the sleeper in a new session and group: the group kill cannot reach it, but
  // it still holds the stdout pipe, which names it.
  auto req = sh(dir.path(),
                "setsid sh -c 'echo $$ > gc.pid; exec sleep 30' & "
                "while [ ! -s gc.pid ]; do :; done; echo parent-done; exit 0");
  req.timeout = std::chrono::seconds(60);
  auto result = runner.run(req, {});
  REQUIRE(result);
  CHECK(result->exit_code == 0);
  CHECK_FALSE(result->timed_out);
  pid_t gc = read_pid(dir.path() / "gc.pid");
  REQUIRE(gc > 0);
  bool dead = is_dead(gc);
  if (!dead) ::kill(gc, SIGKILL);  // do not leave it behind when the check fails
  CHECK(dead);
}

TEST_CASE("cancellation mid-run stops the process tree and reports kCancelled") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  auto req = sh(dir.path(), "sleep 30 & echo $! > bg.pid; echo $$ > child.pid; wait");
  req.timeout = std::chrono::minutes(5);
  std::stop_source source;
  std::jthread canceller([&] {
    read_pid(dir.path() / "child.pid");
    source.request_stop();
  });
  auto result = runner.run(req, source.get_token());
  canceller.join();
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kCancelled);
  pid_t child = read_pid(dir.path() / "child.pid");
  pid_t bg = read_pid(dir.path() / "bg.pid");
  CHECK(is_dead(child));
  CHECK(is_dead(bg));
}

TEST_CASE("a stop requested before the start runs nothing") {
  testing::TempDir dir;
  PosixProcessRunner runner;
  std::stop_source source;
  source.request_stop();
  auto result = runner.run(sh(dir.path(), "touch ran"), source.get_token());
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kCancelled);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "ran"));
}

TEST_CASE("passed descriptors arrive as 3, 4, in order, no other descriptor is inherited") {
  testing::TempDir dir;
  auto first = dir.write("first", "one\n");
  auto second = dir.write("second", "two\n");
  // Opened without O_CLOEXEC, as another thread might: still not inherited.
  UniqueFd a(::open(first.c_str(), O_RDONLY));
  UniqueFd b(::open(second.c_str(), O_RDONLY));
  UniqueFd stray(::open(first.c_str(), O_RDONLY));
  REQUIRE((a.valid() && b.valid() && stray.valid()));
  PosixProcessRunner runner;
  // Passed in the other order, so that each must move to the other's number.
  auto req = sh(dir.path(), "cat <&3; cat <&4; exec 3<&- 4<&-; cd /proc/self/fd && echo *");
  req.pass_fds = {b.get(), a.get()};
  auto result = runner.run(req, {});
  REQUIRE(result);
  // The last 3 is the directory echo's glob reads.
  CHECK(result->out.text == "two\none\n0 1 2 3\n");
}

TEST_CASE("display_command quotes what a shell would split") {
  CHECK(display_command({"cargo", "test", "--", "a b", ""}) == "cargo test -- 'a b' ''");
}

}  // namespace agentry::tools
