#pragma once
/// Running a program the way a tool must: argv only (never a shell), an explicit working
/// directory, its own process group, a scrubbed environment, a timeout that ends the whole
/// process tree (SIGTERM, a grace period, SIGKILL), cancellation through std::stop_token, and
/// stdout/stderr captured within a cap. Nothing it starts outlives the call: every child is
/// reaped, every process left in its group is killed, and so is any process that left the group
/// (setsid) but still holds the child's stdout or stderr. One that leaves the group and closes
/// its output (a daemon) is out of reach here; the sandbox's PID namespace ends it with the call.
///
/// ProcessRunner is the seam (ninja's CommandRunner): executors take one by reference, unit
/// tests pass a fake, the sandbox wraps the real one.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "core/environment.hpp"
#include "core/error.hpp"

namespace agentry::tools {

struct ProcessRequest {
  std::vector<std::string> argv;  ///< argv[0] is looked up in the request's PATH when it has no '/'
  std::filesystem::path cwd;      ///< must exist
  Environment environment;  ///< exactly what the child sees; build it with child_environment()
  std::chrono::milliseconds timeout{120'000};
  std::chrono::milliseconds kill_grace{2'000};  ///< between SIGTERM and SIGKILL
  std::size_t capture_cap = 1 << 20;            ///< bytes kept per stream (head and tail)
  /// Paths the child must be able to write; only a sandboxing runner reads this.
  std::vector<std::filesystem::path> writable;
  /// Descriptors the child gets as 3, 4, … in this order (the sandbox's seccomp filter); the
  /// caller keeps them open until run() returns. The child inherits nothing else but 0, 1, 2.
  std::vector<int> pass_fds;
  /// What the child reads on stdin (from an in-memory file, so any size is fine and the child
  /// may read it at its own pace); nullopt: /dev/null.
  std::optional<std::string> input;
};

/// One captured stream: the kept text and how much was dropped from its middle.
struct CapturedStream {
  std::string text;
  std::size_t total_bytes = 0;
  std::size_t dropped_bytes = 0;
};

struct ProcessResult {
  int exit_code = -1;   ///< when the process exited; -1 when a signal ended it
  int term_signal = 0;  ///< the signal that ended it, 0 when it exited
  bool timed_out = false;
  CapturedStream out;
  CapturedStream err;
  std::chrono::milliseconds elapsed{0};
  pid_t pid = -1;  ///< already reaped; kept for diagnostics and tests

  bool succeeded() const { return !timed_out && term_signal == 0 && exit_code == 0; }
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs the request to completion. A program that starts and fails is a ProcessResult; an
  /// Error means it could not start (kTool) or was cancelled (kCancelled, after it was ended).
  [[nodiscard]] virtual Result<ProcessResult> run(const ProcessRequest& request,
                                                  std::stop_token stop) = 0;
};

/// The real runner: posix_spawn, poll, pidfd.
class PosixProcessRunner final : public ProcessRunner {
 public:
  [[nodiscard]] Result<ProcessResult> run(const ProcessRequest& request,
                                          std::stop_token stop) override;
};

/// `parent` without anything that may hold a secret (Environment::is_secret: the names marked
/// secret, such as every provider's api_key_env, and is_secret_variable; any name with TOKEN or
/// APIKEY in it), without RUST_BACKTRACE (it changes libtest output), and with
/// CARGO_TERM_COLOR=never so that output stays plain text.
Environment child_environment(const Environment& parent);

/// `name` resolved through `environment`'s PATH; nullopt when no executable file is found.
std::optional<std::filesystem::path> find_program(std::string_view name,
                                                  const Environment& environment);

/// "cargo check --message-format=json": argv joined for messages (never executed).
std::string display_command(const std::vector<std::string>& argv);

}  // namespace agentry::tools
