// Hook commands for real (app/shell_hook_runner.hpp): through /bin/sh in the workspace, the
// event on stdin, CLAUDE_PROJECT_DIR set, no key in the environment, bounded by the timeout.
#include "app/shell_hook_runner.hpp"

#include <chrono>
#include <thread>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::app {

namespace {

engine::HookCommand hook(std::string command, int seconds = 10) {
  return {std::move(command), std::chrono::seconds(seconds), "test"};
}

}  // namespace

TEST_CASE("a hook command reads the event on stdin, in the workspace, without keys") {
  testing::TempDir ws;
  tools::PosixProcessRunner processes;
  Environment env = Environment::from_process();
  env.set("OPENAI_API_KEY", "sk-hook-test-0123456789");
  env.set("HOOK_TEST_PLAIN", "visible");
  ShellHookRunner runner(processes, env, std::make_shared<const SecretRedactor>());
  auto result = runner.run(
      hook("cat; echo; pwd; echo \"$CLAUDE_PROJECT_DIR $AGENTRY_PROJECT_DIR\"; "
           "echo \"key=${OPENAI_API_KEY:-none} $HOOK_TEST_PLAIN\"; echo warn >&2; exit 2"),
      R"({"hook_event_name": "PreToolUse"})", ws.path(), {});
  REQUIRE(result);
  CHECK(result->exit_code == 2);
  CHECK(result->out == R"({"hook_event_name": "PreToolUse"})"
                       "\n" +
                           ws.path().string() + "\n" + ws.path().string() + " " +
                           ws.path().string() + "\nkey=none visible\n");
  CHECK(result->err == "warn\n");
}

TEST_CASE("a hook command is stopped at its timeout, and on cancellation with its group") {
  testing::TempDir ws;
  tools::PosixProcessRunner processes;
  ShellHookRunner runner(processes, Environment::from_process(),
                         std::make_shared<const SecretRedactor>());
  auto start = std::chrono::steady_clock::now();
  auto slow = runner.run(hook("sleep 30", 1), "{}", ws.path(), {});
  REQUIRE(slow);
  CHECK(slow->timed_out);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));

  std::stop_source stop;
  std::jthread cancel([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop.request_stop();
  });
  auto cancelled = runner.run(hook("sleep 30 & sleep 30; wait"), "{}", ws.path(), stop.get_token());
  REQUIRE_FALSE(cancelled);
  CHECK(cancelled.error().code == ErrorCode::kCancelled);
}

}  // namespace agentry::app
