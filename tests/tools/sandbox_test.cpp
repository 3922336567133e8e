#include "tools/sandbox.hpp"

#include <csignal>
#include <fstream>
#include <optional>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/temp_dir.hpp"
#include "support/unix_listener.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

TEST_CASE("without bwrap in PATH the sandbox says what to install") {
  PosixProcessRunner runner;
  Environment env;
  env.set("PATH", "/nonexistent");
  auto sandbox = Sandbox::probe(runner, env);
  REQUIRE_FALSE(sandbox);
  CHECK(sandbox.error().code == ErrorCode::kTool);
  CHECK(sandbox.error().message == "the sandbox needs bubblewrap, and `bwrap` is not in PATH");
  CHECK(sandbox.error().hint ==
        "install it (Debian: apt-get install bubblewrap) or turn the sandbox off");
}

namespace {

/// The real sandbox when bubblewrap can run here (else `sandbox` is empty and the test says it
/// is skipped), a workspace, and requests that run a shell script in it, the workspace writable.
struct SandboxRig {
  PosixProcessRunner runner;
  Environment env = Environment::from_process();
  std::optional<Sandbox> sandbox;
  testing::TempDir ws{"agentry-sandbox"};

  SandboxRig() {
    auto probed = Sandbox::probe(runner, env);
    if (probed) {
      sandbox = std::move(*probed);
    } else {
      MESSAGE("skipped: bubblewrap cannot run here: " << probed.error().to_string());
    }
  }
  ProcessRequest shell(std::string script) const {
    ProcessRequest req;
    req.argv = {"/bin/sh", "-c", std::move(script)};
    req.cwd = ws.path();
    req.environment = child_environment(env);
    req.writable = {ws.path()};
    return req;
  }
  Result<ProcessResult> run(const ProcessRequest& req) {
    SandboxedRunner sandboxed(runner, *sandbox);
    return sandboxed.run(req, {});
  }
};

}  // namespace

TEST_CASE("the sandbox wraps argv: no network, workspace writable, the rest read-only") {
  SandboxRig rig;
  if (!rig.sandbox) return;
  const auto& ws = rig.ws;
  auto result = rig.run(
      rig.shell("echo inside > made-here; "
                "if echo x > /usr/agentry-sandbox-probe 2>/dev/null; then echo ROOT-WRITABLE; fi; "
                "if echo x > /tmp/private 2>/dev/null; then echo tmp-ok; fi; "
                "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; pwd"));
  REQUIRE(result);
  CHECK(result->exit_code == 0);
  // Only the loopback interface exists inside: no network.
  CHECK(result->out.text == "tmp-ok\nlo\n" + ws.path().string() + "\n");
  CHECK(testing::read_file(ws.path() / "made-here") == "inside\n");
  CHECK_FALSE(std::filesystem::exists("/usr/agentry-sandbox-probe"));
  CHECK_FALSE(std::filesystem::exists("/tmp/private"));
}

TEST_CASE("inside the sandbox TMPDIR is the private /tmp, whatever the parent's was") {
  SandboxRig rig;
  if (!rig.sandbox) return;
  auto req = rig.shell("echo \"$TMPDIR\"; mktemp");
  // A folder the private /tmp hides: rustdoc and the linker would fail to create files there.
  req.environment.set("TMPDIR", (rig.ws.path() / "tmp").string());
  auto result = rig.run(req);
  REQUIRE(result);
  CHECK(result->exit_code == 0);
  CHECK(result->out.text.starts_with("/tmp\n/tmp/tmp."));
}

TEST_CASE("wrap binds each writable path and keeps the working directory") {
  PosixProcessRunner runner;
  auto sandbox = Sandbox::probe(runner, Environment::from_process());
  if (!sandbox) {
    MESSAGE("skipped: bubblewrap cannot run here: " << sandbox.error().to_string());
    return;
  }
  testing::TempDir ws("agentry-sandbox");
  std::filesystem::create_directories(ws.path() / "target");
  auto argv = sandbox->wrap({"cargo", "check"}, ws.path(),
                            {{ws.path(), ws.path() / "target"}, {ws.path() / ".git"}, {"/run"}});
  std::vector<std::string> tail(argv.end() - 18, argv.end());
  CHECK(tail == std::vector<std::string>{
                    "--tmpfs", "/run", "--bind", ws.path().string(), ws.path().string(), "--bind",
                    (ws.path() / "target").string(), (ws.path() / "target").string(), "--ro-bind",
                    (ws.path() / ".git").string(), (ws.path() / ".git").string(), "--seccomp", "3",
                    "--chdir", ws.path().string(), "--", "cargo", "check"});
  CHECK(std::find(argv.begin(), argv.end(), "--unshare-net") != argv.end());
}

namespace {

/// Tries to reach each socket named in argv (a path, or '@' for an abstract name) with perl
/// (perl-base is in every Debian), then the socket kinds that must still work.
constexpr const char* kSocketProbe = R"(
use Socket;
for my $p (@ARGV) {
  my $addr = $p =~ s/^@/\0/r;
  if (!socket(my $s, AF_UNIX, SOCK_STREAM, 0)) { print "socket $p: $!\n"; next }
  print connect($s, pack_sockaddr_un($addr)) ? "CONNECTED $p\n" : "connect $p: $!\n";
}
print socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, 0) ? "stream pair ok\n" : "stream pair: $!\n";
print socketpair(my $c, my $d, AF_UNIX, SOCK_DGRAM, 0) ? "DGRAM PAIR\n" : "dgram pair: $!\n";
print socket(my $t, AF_INET, SOCK_STREAM, 0) ? "inet ok\n" : "inet: $!\n";
my $char = "x";
print ioctl(STDIN, 0x5412, $char) ? "TIOCSTI\n" : "tiocsti: $!\n";
my $params = "\0" x 120;
print syscall(425, 8, $params) >= 0 ? "IO_URING\n" : "io_uring: $!\n";
)";

}  // namespace

TEST_CASE("attack 8 (unit): no host Unix socket, io_uring or TIOCSTI in the sandbox, /run empty") {
  SandboxRig rig;
  if (!rig.sandbox) return;
  testing::TempDir outside("agentry-sockets");
  testing::VarTempDir xdg("agentry-xdg");
  testing::UnixListener daemon((outside.path() / "daemon.sock").string());
  testing::UnixListener bus((xdg.path() / "bus").string());
  testing::UnixListener abstract("@agentry-sandbox-test-" + std::to_string(::getpid()));
  std::ofstream(xdg.path() / "left-here") << "x";
  auto req = rig.shell(
      "perl -e \"$PROBE\" \"$1\" \"$2\" \"$3\"; ls -A /run | wc -l; ls -A \"$XDG_RUNTIME_DIR\" "
      "| wc -l; echo \"ssh=$SSH_AUTH_SOCK\"; cd /proc/self/fd && echo *");
  req.argv.insert(req.argv.end(), {"sh", daemon.name(), bus.name(), abstract.name()});
  req.environment.set("PROBE", kSocketProbe);
  req.environment.set("XDG_RUNTIME_DIR", xdg.path().string());
  req.environment.set("SSH_AUTH_SOCK", daemon.name());
  auto result = rig.run(req);
  REQUIRE(result);
  INFO(result->err.text);
  CHECK(result->exit_code == 0);
  CHECK(result->out.text == fmt::format("socket {}: Permission denied\n"
                                        "socket {}: Permission denied\n"
                                        "socket {}: Permission denied\n"
                                        "stream pair ok\n"
                                        "dgram pair: Permission denied\n"
                                        "inet ok\n"
                                        // Without the filter: "Inappropriate ioctl for device"
                                        // (stdin is /dev/null) and a ring.
                                        "tiocsti: Operation not permitted\n"
                                        "io_uring: Function not implemented\n"
                                        "0\n0\nssh=\n0 1 2 3\n",
                                        daemon.name(), bus.name(), abstract.name()));
  CHECK_FALSE(daemon.connected());
  CHECK_FALSE(bus.connected());
  CHECK_FALSE(abstract.connected());
}

TEST_CASE("in the sandbox a system call of another ABI (x32) kills the process") {
#if !defined(__x86_64__)
  MESSAGE("skipped: x32 is an x86-64 ABI");
  return;
#endif
  SandboxRig rig;
  if (!rig.sandbox) return;
  // x32's getpid: without the filter it runs, or fails with ENOSYS where x32 is off.
  auto result = rig.run(rig.shell("perl -e 'syscall(0x40000027)'; echo $?"));
  REQUIRE(result);
  CHECK(result->out.text == fmt::format("{}\n", 128 + SIGSYS));
}

TEST_CASE("runtime_dirs: /run, a real /var/run and an XDG_RUNTIME_DIR outside /tmp") {
  Environment env;
  env.set("XDG_RUNTIME_DIR", "/var/tmp");
  auto dirs = Sandbox::runtime_dirs(env);
  CHECK(std::find(dirs.begin(), dirs.end(), "/var/tmp") != dirs.end());
  if (std::filesystem::is_directory("/run"))
    CHECK(std::find(dirs.begin(), dirs.end(), "/run") != dirs.end());
  if (std::filesystem::is_symlink("/var/run"))
    CHECK(std::find(dirs.begin(), dirs.end(), "/var/run") == dirs.end());
  env.set("XDG_RUNTIME_DIR", "/tmp/x");
  CHECK(Sandbox::runtime_dirs(env).size() == dirs.size() - 1);
  env.set("XDG_RUNTIME_DIR", "relative");
  CHECK(Sandbox::runtime_dirs(env).size() == dirs.size() - 1);
}

namespace {

/// Every way a build script could change a settings folder, each reported on its own line.
constexpr const char* kSettingsAttack = R"(
try() { if ( eval "$1" ) 2>/dev/null; then echo "DONE $1"; else echo "refused $1"; fi; }
try 'echo evil >> .git/config'
try 'echo evil > gitdir/config'
try 'mkdir -p .claude/agents'
try 'echo evil > .agentry/config.yaml'
try 'mkdir .opencode/agent'
try 'rm -rf .git'
try 'mv .claude moved'
try 'echo evil > crates/inner/.git/config'
try 'echo evil > crates/wt/.git'
try 'echo evil > gitdirs/wt/HEAD'
try 'echo ok > src.txt'
)";

}  // namespace

TEST_CASE("attack 6 (unit): settings folders are read-only in the sandbox and cannot be created") {
  SandboxRig rig;
  if (!rig.sandbox) return;
  const auto& ws = rig.ws;
  ws.write(".git/config", "[core]\n");
  std::filesystem::create_symlink(".git", ws.path() / "gitdir");
  ws.write("crates/inner/.git/config", "[core]\n");
  // A worktree's `.git` file naming a git directory that is inside the workspace too.
  ws.write("gitdirs/wt/HEAD", "ref: refs/heads/main\n");
  ws.write("crates/wt/.git", "gitdir: ../../gitdirs/wt\n");
  auto result = rig.run(rig.shell(kSettingsAttack));
  REQUIRE(result);
  INFO(result->err.text);
  CHECK(result->out.text ==
        "refused echo evil >> .git/config\n"
        "refused echo evil > gitdir/config\n"
        "refused mkdir -p .claude/agents\n"
        "refused echo evil > .agentry/config.yaml\n"
        "refused mkdir .opencode/agent\n"
        "refused rm -rf .git\n"
        "refused mv .claude moved\n"
        "refused echo evil > crates/inner/.git/config\n"
        "refused echo evil > crates/wt/.git\n"
        "refused echo evil > gitdirs/wt/HEAD\n"
        "DONE echo ok > src.txt\n");
  CHECK(testing::read_file(ws.path() / ".git/config") == "[core]\n");
  CHECK(testing::read_file(ws.path() / "crates/inner/.git/config") == "[core]\n");
  CHECK(testing::read_file(ws.path() / "crates/wt/.git") == "gitdir: ../../gitdirs/wt\n");
  CHECK(testing::read_file(ws.path() / "gitdirs/wt/HEAD") == "ref: refs/heads/main\n");
  // The folders made only to be bound read-only are gone again.
  for (const char* name : {".claude", ".agentry", ".opencode"})
    CHECK_FALSE(std::filesystem::exists(ws.path() / name));
  CHECK(std::filesystem::exists(ws.path() / "src.txt"));
}

TEST_CASE("a symlinked settings folder: its target is read-only, a replaced link is put back") {
  SandboxRig rig;
  if (!rig.sandbox) return;
  const auto& ws = rig.ws;
  ws.write("real-git/config", "[core]\n");
  std::filesystem::create_symlink("real-git", ws.path() / ".git");
  // A link to a folder that does not exist yet: created (so it cannot be created), then removed.
  std::filesystem::create_symlink("claude-home", ws.path() / ".claude");
  auto result =
      rig.run(rig.shell("echo evil >> real-git/config 2>/dev/null || echo refused; "
                        "mkdir -p .claude/agents 2>/dev/null || echo refused; "
                        "rm .git && mkdir .git && echo evil > .git/config && echo replaced"));
  REQUIRE(result);
  CHECK(result->out.text == "refused\nrefused\nreplaced\n");
  CHECK(std::filesystem::read_symlink(ws.path() / ".git") == "real-git");
  CHECK(testing::read_file(ws.path() / ".git/config") == "[core]\n");
  CHECK(testing::read_file(ws.path() / ".git.replaced-in-sandbox/config") == "evil\n");
  CHECK(std::filesystem::read_symlink(ws.path() / ".claude") == "claude-home");
  CHECK_FALSE(std::filesystem::exists(ws.path() / "claude-home"));
  // Again: the first replacement kept aside does not stop the second from being moved.
  result = rig.run(rig.shell("rm .git && mkdir .git && echo evil2 > .git/config"));
  REQUIRE(result);
  CHECK(std::filesystem::read_symlink(ws.path() / ".git") == "real-git");
  CHECK(testing::read_file(ws.path() / ".git.replaced-in-sandbox.1/config") == "evil2\n");
}

TEST_CASE("the empty .git made for the sandbox does not hide the repository around the workspace") {
  SandboxRig rig;
  if (!rig.sandbox) return;
  auto git = find_program("git", rig.env);
  if (!git) {
    MESSAGE("skipped: git is not installed");
    return;
  }
  // The workspace is a folder of a repository (a crate in a monorepo): git inside the sandbox,
  // as a build script would run it, still finds that repository. (Not under /tmp, which the
  // sandbox replaces.)
  testing::VarTempDir repo("agentry-repo");
  PosixProcessRunner plain;
  ProcessRequest init = rig.shell("git init -q . && git rev-parse --show-toplevel");
  init.cwd = repo.path();
  auto made = plain.run(init, {});
  REQUIRE(made);
  REQUIRE(made->exit_code == 0);
  std::filesystem::create_directories(repo.path() / "crate");
  auto req = rig.shell("test -d .git && git rev-parse --show-toplevel");
  req.cwd = repo.path() / "crate";
  req.writable = {req.cwd};
  auto result = rig.run(req);
  REQUIRE(result);
  INFO(result->err.text);
  CHECK(result->out.text == made->out.text);
  CHECK_FALSE(std::filesystem::exists(repo.path() / "crate" / ".git"));
}

}  // namespace agentry::tools
