#pragma once
// Runs the real `agentry` binary ($AGENTRY_BIN, set by ctest) for batch tests: exactly the given
// environment, stdout and stderr into files, and optionally a SIGKILL after a while.
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <optional>
#include <signal.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "core/build_paths.hpp"
#include "core/environment.hpp"
#include "support/temp_dir.hpp"

namespace agentry::batch::testing {

struct Ran {
  int exit_code = -1;  ///< -1 when a signal ended it
  bool killed = false;
  std::string out;
  std::string err;
};

inline std::string agentry_bin() {
  const char* bin = std::getenv("AGENTRY_BIN");
  return bin != nullptr ? bin : std::string(AGENTRY_BINARY_DIR) + "/agentry";
}

/// The environment agentry runs with: the test's PATH (cargo included), a private HOME and XDG
/// folders under `home` (no user config, a private session store), and the fake server as the
/// OpenAI-compatible provider.
inline std::map<std::string, std::string> batch_environment(const std::filesystem::path& home,
                                                            const std::string& base_url) {
  Environment process = Environment::from_process();
  std::string path = process.get_or("PATH", "/usr/bin:/bin");
  std::string cargo_bin = process.home().string() + "/.cargo/bin";
  if (path.find(cargo_bin) == std::string::npos) path = cargo_bin + ":" + path;
  return {{"PATH", path},
          {"HOME", home.string()},
          {"XDG_CONFIG_HOME", (home / "config").string()},
          {"XDG_DATA_HOME", (home / "data").string()},
          {"XDG_STATE_HOME", (home / "state").string()},
          {"RUSTUP_HOME", process.get_or("RUSTUP_HOME", process.home().string() + "/.rustup")},
          {"CARGO_HOME", process.get_or("CARGO_HOME", process.home().string() + "/.cargo")},
          {"OPENAI_BASE_URL", base_url},
          {"OPENAI_API_KEY", "sk-fake-batch-test"},
          {"NO_COLOR", "1"}};
}

/// Runs `agentry ARGS...` in `cwd`; with `kill_after`, sends SIGKILL once that much time passed.
inline Ran run_agentry(const std::filesystem::path& cwd, std::vector<std::string> args,
                       const std::map<std::string, std::string>& env,
                       std::optional<std::chrono::microseconds> kill_after = std::nullopt) {
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string bin = agentry_bin();
  args.insert(args.begin(), {bin, "--cwd", cwd.string()});
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  auto out_path = cwd / ".agentry-test-stdout";
  auto err_path = cwd / ".agentry-test-stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE_MESSAGE(rc == 0, "cannot run " << bin);
  Ran r;
  if (kill_after) {
    std::this_thread::sleep_for(*kill_after);
    r.killed = ::kill(pid, SIGKILL) == 0;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (WIFEXITED(status)) r.killed = false;
  r.out = agentry::testing::read_file(out_path);
  r.err = agentry::testing::read_file(err_path);
  return r;
}

}  // namespace agentry::batch::testing
