#pragma once
/// Runs a program the way a parent program would (posix_spawn, argv only, an exact environment,
/// never a shell) and captures its exit status, standard output and standard error. Output goes
/// to files in a private temporary directory, so a child that writes a lot never blocks and a
/// test can read what it wrote so far while it still runs.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "support/temp_dir.hpp"

namespace agentry::testing {

struct SpawnOptions {
  std::vector<std::string> argv;           ///< argv[0] is the program's path
  std::map<std::string, std::string> env;  ///< the child's whole environment
  std::optional<std::string> stdin_text;   ///< nullopt: /dev/null
  std::filesystem::path cwd;               ///< empty: the test's
};

struct ProcessOutcome {
  int exit_code = -1;      ///< -1 when killed by a signal
  int signal = 0;          ///< the signal that killed it, else 0
  bool timed_out = false;  ///< wait() gave up and killed it
  /// The child's peak resident memory (wait4's ru_maxrss), in KiB. It counts from this process's
  /// resident size at the spawn (the kernel's rule for a child that shared its memory), so a test
  /// that measures keeps its own buffers small while the child runs.
  long peak_rss_kb = 0;
  std::string out;
  std::string err;
};

class SpawnedProcess {
 public:
  /// Starts the program; throws std::runtime_error when it cannot be started.
  explicit SpawnedProcess(const SpawnOptions& options);
  /// Kills (SIGKILL) and reaps a child still running.
  ~SpawnedProcess();
  SpawnedProcess(const SpawnedProcess&) = delete;
  SpawnedProcess& operator=(const SpawnedProcess&) = delete;

  pid_t pid() const { return pid_; }
  void send(int signal) const;
  /// What the child has written to standard output so far.
  std::string out_so_far() const;
  /// Waits for the child to end; after `limit` it is killed and the outcome says timed_out.
  ProcessOutcome wait(std::chrono::seconds limit = std::chrono::seconds(600));

 private:
  TempDir io_{"agentry-spawn"};
  pid_t pid_ = -1;
};

/// Starts, waits and returns the outcome.
ProcessOutcome run_process(const SpawnOptions& options,
                           std::chrono::seconds limit = std::chrono::seconds(600));

}  // namespace agentry::testing
