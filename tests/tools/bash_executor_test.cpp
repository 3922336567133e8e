// bash: the command line under the process runner, the sandbox, and the permission rules.
#include <arpa/inet.h>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/unique_fd.hpp"
#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"
#include "tools/call_preview.hpp"
#include "tools/permissions.hpp"
#include "tools/sandbox.hpp"
#include "tools/tool_invoker.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct BashRig {
  testing::TempDir ws{"agentry-bash"};
  PosixProcessRunner runner;
  ToolRegistry registry;

  explicit BashRig(ProcessRunner* through = nullptr, Environment env = Environment::from_process())
      : registry(testing_support::registry_with(through != nullptr ? *through : runner,
                                                testing_support::services_with(runner, env))) {}

  ToolOutput run(const json& args) {
    auto out = registry.find("bash")->run(args, ToolContext{ws.path(), {}});
    REQUIRE_MESSAGE(out, (out ? "" : out.error().to_string()));
    return *out;
  }
};

/// The pids of running processes whose command line is exactly `argv` (zombies count as gone).
std::vector<pid_t> processes_running(const std::vector<std::string>& argv) {
  std::string wanted;
  for (const auto& a : argv)
    wanted += a + '\0';
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmdline(entry.path() / "cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (text != wanted) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z') continue;
    found.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return found;
}

}  // namespace

TEST_CASE("bash runs the command line in the workspace root and reports exit, stdout, stderr") {
  BashRig rig;
  auto out = rig.run({{"command", "pwd; echo to-err >&2; read -r line || echo no-stdin; exit 3"}});
  CHECK(out.is_error);
  CHECK(out.content == fmt::format("exit 3\nstdout:\n{}\nno-stdin\nstderr:\nto-err\n",
                                   fs::canonical(rig.ws.path()).string()));
  CHECK(out.details["exit_code"] == 3);
  auto ok = rig.run({{"command", "cd sub 2>/dev/null || true; echo $((6 * 7)) | tr 4 x"}});
  CHECK_FALSE(ok.is_error);
  CHECK(ok.content == "exit 0\nstdout:\nx2\n");
  CHECK(rig.run({{"command", "true"}}).content == "exit 0\n(no output)\n");
  CHECK(rig.run({{"command", "  "}}).is_error);
}

TEST_CASE("bash gets no secret from the environment") {
  Environment env = Environment::from_process();
  env.set("GITHUB_TOKEN", "ghp_secret");
  env.set("AGENTRY_TEST_PLAIN", "plain");
  BashRig rig(nullptr, env);
  auto out = rig.run({{"command", "echo ${GITHUB_TOKEN:-none} $AGENTRY_TEST_PLAIN"}});
  CHECK(out.content == "exit 0\nstdout:\nnone plain\n");
}

TEST_CASE("bash at its timeout stops its whole process tree: sleep 100 & sleep 100") {
  BashRig rig;
  // A duration no other process uses, so that the scan below finds only ours.
  std::string duration = fmt::format("100.{}", ::getpid());
  auto start = std::chrono::steady_clock::now();
  auto out = rig.run({{"command", fmt::format("sleep {0} & sleep {0}", duration)}, {"timeout", 1}});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(out.is_error);
  CHECK(out.content ==
        "bash: timed out after 1 s and was stopped (with every process it started)\n"
        "(no output)\n");
  CHECK(out.details["timed_out"] == true);
  std::vector<pid_t> left;
  for (int i = 0; i < 200; ++i) {
    left = processes_running({"sleep", duration});
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(left.empty());
}

TEST_CASE(
    "bash is a writing tool that asks, shows its command, and acceptEdits does not approve it") {
  auto spec = testing_support::spec_named("bash");
  json args = {{"command", "git diff --stat"}};
  CHECK(spec.writes);
  CHECK(call_writes(spec, args));
  CHECK_FALSE(call_edits(spec, args));
  CHECK(call_command(spec, args) == "git diff --stat");
  PermissionPolicy defaults;
  CHECK(defaults.decide(spec, args) == Permission::kAsk);
  // acceptEdits approves edits, not command lines; plan mode refuses them; a bash pattern allows.
  CHECK(defaults.for_agent(json(), "acceptEdits", "a.md")->decide(spec, args) == Permission::kAsk);
  CHECK(defaults.for_agent(json(), "plan", "a.md")->decide(spec, args) == Permission::kDeny);
  CHECK(defaults.for_agent(json(), "acceptEdits", "a.md")
            ->decide(testing_support::spec_named("edit_file"), json{{"path", "x"}}) ==
        Permission::kAllow);
  auto rules =
      defaults.for_agent(json{{"bash", {{"git diff*", "allow"}, {"*", "ask"}}}}, "", "a.md");
  REQUIRE(rules);
  CHECK(rules->decide(spec, args) == Permission::kAllow);
  CHECK(rules->decide(spec, json{{"command", "rm -rf target"}}) == Permission::kAsk);
  CHECK_FALSE(mode_approves(PermissionMode::kAcceptEdits, call_edits(spec, args), false));

  testing::TempDir ws{"agentry-bash-preview"};
  auto opened = Workspace::open(ws.path());
  REQUIRE(opened);
  CHECK(call_preview(spec, {{"command", "cargo tree -d"}, {"timeout", 30}}, *opened) ==
        fmt::format("run in {} (bash -c, timeout 30 s):\ncargo tree -d", opened->root().string()));
}

TEST_CASE("bash with ask and no one to approve is denied, and the model is told") {
  BashRig rig;
  ToolInvoker invoker(rig.registry, nullptr);
  auto out = invoker.invoke(ToolCall{"c1", "bash", {{"command", "touch made-it"}}, {}},
                            ToolContext{rig.ws.path(), {}}, PermissionPolicy());
  REQUIRE(out);
  CHECK(out->is_error);
  CHECK(out->content.starts_with("permission denied: `bash` needs approval"));
  CHECK_FALSE(fs::exists(rig.ws.path() / "made-it"));
}

TEST_CASE("bash under the sandbox cannot write outside the workspace or reach the network") {
  PosixProcessRunner plain;
  auto sandbox = Sandbox::probe(plain, Environment::from_process());
  if (!sandbox) {
    MESSAGE("skipped: bubblewrap cannot run here: " << sandbox.error().to_string());
    return;
  }
  SandboxedRunner sandboxed(plain, *sandbox);
  BashRig rig(&sandboxed);
  testing::TempDir outside{"agentry-bash-outside"};

  // A TCP server on the host's loopback: reachable from outside the sandbox, not from inside.
  UniqueFd server(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(server.get() >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(server.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(server.get(), 4) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(server.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  int port = ntohs(addr.sin_port);

  std::string script = fmt::format(
      "echo inside > in-ws && echo wrote-ws; "
      "if (echo x > {0}/escaped) 2>/dev/null; then echo WROTE-OUTSIDE; fi; "
      "if (echo hi > /dev/tcp/127.0.0.1/{1}) 2>/dev/null; then echo CONNECTED; fi; "
      "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '",
      outside.path().string(), port);
  auto out = rig.run({{"command", script}});
  CHECK(out.content == "exit 0\nstdout:\nwrote-ws\nlo\n");
  CHECK(testing::read_file(rig.ws.path() / "in-ws") == "inside\n");
  CHECK_FALSE(fs::exists(outside.path() / "escaped"));

  // The same script without the sandbox does both: the test can tell.
  BashRig unsandboxed;
  auto free_run = unsandboxed.run({{"command", script}});
  CHECK(free_run.content.find("WROTE-OUTSIDE") != std::string::npos);
  CHECK(free_run.content.find("CONNECTED") != std::string::npos);
}

}  // namespace agentry::tools
