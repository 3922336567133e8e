#include "support/spawned_process.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace agentry::testing {

namespace {

/// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attr{};
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

SpawnedProcess::SpawnedProcess(const SpawnOptions& options) {
  if (options.argv.empty()) throw std::runtime_error("SpawnedProcess: empty argv");
  auto in_path = io_.write("stdin", options.stdin_text.value_or(""));
  auto out_path = io_.path() / "stdout";
  auto err_path = io_.path() / "stderr";

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, 0,
                                   options.stdin_text ? in_path.c_str() : "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&setup.actions, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!options.cwd.empty())
    posix_spawn_file_actions_addchdir_np(&setup.actions, options.cwd.c_str());
  // The child starts with default signal handling and nothing blocked, whatever the test does.
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : options.env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);

  // posix_spawn's child shares this process's memory until it execs, and the kernel carries the
  // peak of that memory into the child's ru_maxrss: reset our peak to our current size first
  // (Linux's clear_refs 5), so peak_rss_kb is the program's, not the test's big buffers.
  if (int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC); fd >= 0) {
    [[maybe_unused]] auto n = ::write(fd, "5", 1);
    ::close(fd);
  }
  int rc =
      posix_spawn(&pid_, args[0].c_str(), &setup.actions, &setup.attr, argv.data(), envp.data());
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
  }
}

SpawnedProcess::~SpawnedProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

void SpawnedProcess::send(int signal) const {
  if (pid_ > 0) ::kill(pid_, signal);
}

std::string SpawnedProcess::out_so_far() const {
  return read_file(io_.path() / "stdout");
}

ProcessOutcome SpawnedProcess::wait(std::chrono::seconds limit) {
  ProcessOutcome outcome;
  if (pid_ <= 0) throw std::runtime_error("SpawnedProcess: already waited for");
  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  struct rusage usage {};
  while (true) {
    pid_t done = ::wait4(pid_, &status, WNOHANG, &usage);
    if (done == pid_) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
    if (std::chrono::steady_clock::now() >= deadline && !outcome.timed_out) {
      outcome.timed_out = true;
      ::kill(pid_, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
  outcome.peak_rss_kb = usage.ru_maxrss;
  outcome.out = read_file(io_.path() / "stdout");
  outcome.err = read_file(io_.path() / "stderr");
  return outcome;
}

ProcessOutcome run_process(const SpawnOptions& options, std::chrono::seconds limit) {
  SpawnedProcess process(options);
  return process.wait(limit);
}

}  // namespace agentry::testing
