// app::Services: the one place that builds things. The tools' runner follows the sandbox
// setting; `tools run` goes through the same registry as a task (cargo_target_dir included); the
// process holds one session store connection, which tasks and the chat share.
#include "app/services.hpp"

#include <cstdlib>
#include <fstream>

#include <doctest/doctest.h>

#include "cli/support/agentry_harness.hpp"
#include "cli/support/logged_context.hpp"
#include "core/build_paths.hpp"
#include "engine/events.hpp"
#include "support/temp_dir.hpp"
#include "tools/sandbox.hpp"

namespace agentry::app {
namespace {

namespace fs = std::filesystem;

std::string from_test_env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

/// A context as main makes it, over a temporary home: the user config `user_yaml`, the
/// workspace ws/ (cwd), the source tree's agents, prompts and tools, cargo on PATH.
struct ServicesHome : testing::LoggedContext {
  testing::TempDir dir;

  explicit ServicesHome(const std::string& user_yaml, const std::string& base_url = "") {
    dir.write("config/agentry/config.yaml", user_yaml);
    fs::create_directories(ws());
    const std::string real_home = from_test_env("HOME", "/root");
    ctx.env.set("HOME", (dir.path() / "home").string());
    ctx.env.set("XDG_CONFIG_HOME", (dir.path() / "config").string());
    ctx.env.set("XDG_DATA_HOME", (dir.path() / "data").string());
    ctx.env.set("PATH", real_home + "/.cargo/bin:/usr/local/bin:/usr/bin:/bin");
    ctx.env.set("CARGO_HOME", from_test_env("CARGO_HOME", real_home + "/.cargo"));
    ctx.env.set("RUSTUP_HOME", from_test_env("RUSTUP_HOME", real_home + "/.rustup"));
    if (!base_url.empty()) ctx.env.set("OPENAI_BASE_URL", base_url);
    ctx.cwd = ws();
    ctx.data_dir = AGENTRY_SOURCE_DIR;
    load_app_config(ctx);
    REQUIRE_MESSAGE(ctx.config, (ctx.config ? "" : ctx.config.error().to_string()));
  }

  fs::path ws() const { return dir.path() / "ws"; }
  fs::path session_db() const { return dir.path() / "data/agentry/sessions.db"; }
};

/// True when bubblewrap can sandbox here (it can on CI's machines).
bool sandbox_works() {
  tools::PosixProcessRunner runner;
  auto env = Environment::from_process();
  auto probe = tools::Sandbox::probe(runner, env);
  if (!probe) MESSAGE("bubblewrap cannot run here: " << probe.error().to_string());
  return probe.has_value();
}

/// The descriptors of this process open on `file` (not its -wal or -shm companions).
int open_descriptors_on(const fs::path& file) {
  int count = 0;
  std::error_code ec;
  const auto wanted = fs::canonical(file, ec);
  for (const auto& entry : fs::directory_iterator("/proc/self/fd", ec)) {
    std::error_code link_ec;
    if (fs::read_symlink(entry.path(), link_ec) == wanted) ++count;
  }
  return count;
}

TEST_CASE("services: the tools' runner is sandboxed exactly when the settings say so") {
  const bool bwrap = sandbox_works();
  struct Case {
    const char* user;
    bool flag;
    bool sandboxed;
  };
  const Case cases[] = {
      {"", false, false},
      {"sandbox: off\n", false, false},
      {"sandbox: false\n", false, false},
      {"sandbox: {enabled: false}\n", false, false},
      {"sandbox: on\n", false, true},
      {"sandbox: true\n", false, true},
      {"sandbox: {enabled: true}\n", false, true},
      {"sandbox: off\n", true, true},
  };
  for (const auto& c : cases) {
    const std::string user = c.user;
    CAPTURE(user);
    CAPTURE(c.flag);
    ServicesHome home(c.user);
    home.ctx.sandbox = c.flag;
    Services services(home.ctx);
    auto runner = services.tool_runner();
    if (c.sandboxed && !bwrap) {
      // Never silently unsandboxed: without bubblewrap the runner is the probe's error.
      CHECK_FALSE(runner);
      CHECK_FALSE(services.tool_registry());
      continue;
    }
    REQUIRE_MESSAGE(runner, (runner ? "" : runner.error().to_string()));
    CHECK((dynamic_cast<tools::SandboxedRunner*>(*runner) != nullptr) == c.sandboxed);
    CHECK((*runner == &services.user_runner()) == !c.sandboxed);
    CHECK(*services.tool_runner() == *runner);  // built once
  }
}

TEST_CASE("services: a wrong setting fails every part that needs the settings") {
  ServicesHome home("# mine\nsandbox: maybe\n");
  Services services(home.ctx);
  const std::string file = (home.dir.path() / "config/agentry/config.yaml").string();
  auto check_fails = [&](const auto& result) {
    REQUIRE_FALSE(result);
    CAPTURE(result.error().to_string());
    CHECK(result.error().code == ErrorCode::kConfig);
    CHECK(result.error().where.starts_with(file + ":2:"));
  };
  check_fails(services.settings());
  check_fails(services.tool_runner());
  check_fails(services.tool_registry());
  check_fails(services.models());
  check_fails(services.catalog());
  check_fails(services.session_store());
  check_fails(services.task_runner());
  CHECK_FALSE(fs::exists(home.session_db()));
}

TEST_CASE("services: tools run by hand use the settings' cargo_target_dir, as a task's do") {
  ServicesHome home("cargo_target_dir: ~/shared-target\n");
  cli::e2e::copy_crate(fs::path(AGENTRY_TEST_FIXTURES) / "crates/clippy_lint", home.ws());
  Services services(home.ctx);
  ToolCall call{"c1", "cargo_check", nlohmann::json::object(), "{}"};
  auto output = services.run_tool_by_hand(call, {});
  REQUIRE_MESSAGE(output, (output ? "" : output.error().to_string()));
  INFO(output->content);
  CHECK(fs::is_directory(home.dir.path() / "home/shared-target/debug"));
  CHECK_FALSE(fs::exists(home.ws() / "target"));
}

TEST_CASE("agentry tools run honours the user config's cargo_target_dir") {
  cli::e2e::AgentryHome home;
  cli::e2e::copy_crate(fs::path(AGENTRY_TEST_FIXTURES) / "crates/clippy_lint", home.ws());
  const fs::path target = home.root() / "elsewhere";
  home.write_config("cargo_target_dir: " + target.string() + "\n");
  auto r = home.run({"tools", "run", "cargo_check", "{}"}, nullptr);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::is_directory(target / "debug"));
  CHECK_FALSE(fs::exists(home.ws() / "target"));

  // A wrong value is the config error, naming the file and line, before any tool runs.
  home.write_config("# mine\ncargo_target_dir: 5\n");
  auto wrong = home.run({"tools", "run", "cargo_check", "{}"}, nullptr);
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.err.find("config.yaml:2:") != std::string::npos);
  CHECK(wrong.err.find("cargo_target_dir") != std::string::npos);
}

TEST_CASE("services: one session store connection, which tasks write through and chat reads") {
  auto server = cli::e2e::start_fake("turns:\n  - text: \"Hello.\"\n");
  ServicesHome home("", server->url("/v1"));
  Services services(home.ctx);

  // Read-only commands never create the store.
  auto absent = services.existing_session_store();
  REQUIRE(absent);
  CHECK(*absent == nullptr);
  CHECK_FALSE(fs::exists(home.session_db()));

  auto runner = services.task_runner();
  REQUIRE_MESSAGE(runner, (runner ? "" : runner.error().to_string()));
  engine::TaskRequest request;
  request.task = "Say hello.";
  request.cwd = home.ws();
  request.permission_mode = engine::PermissionMode::kBypass;
  engine::NullSink events;
  auto result = (*runner)->run(request, events, {});
  REQUIRE_MESSAGE(result, (result ? "" : result.error().to_string()));

  auto store = services.session_store();
  REQUIRE(store);
  CHECK(*services.session_store() == *store);
  CHECK(*services.existing_session_store() == *store);
  auto info = (*store)->get_session(result->session_id);
  REQUIRE_MESSAGE(info, (info ? "" : info.error().to_string()));
  CHECK(info->agent == "orchestrator");
  // The runner's turns and the store handed to the chat are one connection: one descriptor.
  CHECK(open_descriptors_on(home.session_db()) == 1);
}

}  // namespace
}  // namespace agentry::app
