#include "tools/sandbox.hpp"

#include <optional>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
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
  auto argv = sandbox->wrap({"cargo", "check"}, ws.path(), {ws.path(), ws.path() / "target"});
  std::vector<std::string> tail(argv.end() - 11, argv.end());
  CHECK(tail == std::vector<std::string>{"--bind", ws.path().string(), ws.path().string(), "--bind",
                                         (ws.path() / "target").string(),
                                         (ws.path() / "target").string(), "--chdir",
                                         ws.path().string(), "--", "cargo", "check"});
  CHECK(std::find(argv.begin(), argv.end(), "--unshare-net") != argv.end());
}

}  // namespace agentry::tools
