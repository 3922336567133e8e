#pragma once
/// A task's check: the commands that decide whether the work succeeded (e.g.
/// `cargo clippy -- -D warnings`, `cargo fmt --check`), run after the agent ends, in the task's
/// workspace, through the tools layer's process runner (argv only, never a shell, a timeout,
/// capped output, a scrubbed environment). Every command runs, so the result shows all that
/// fails; the check passes when all exit 0.
#include <chrono>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch/task.hpp"
#include "core/environment.hpp"
#include "core/error.hpp"
#include "tools/process_runner.hpp"

namespace agentry::batch {

struct CheckCommandOutcome {
  CheckCommand argv;
  int exit_code = -1;  ///< -1 when it could not start or a signal ended it
  bool timed_out = false;
  std::string output_tail;  ///< the end of stdout then stderr, at most kOutputTail bytes
  std::int64_t duration_ms = 0;
};

struct CheckOutcome {
  bool passed = true;
  std::vector<CheckCommandOutcome> commands;
  /// {"passed": bool, "commands": [{"command", "exit_code", "timed_out", "output_tail",
  /// "duration_ms"}]}
  nlohmann::json to_json() const;
};

inline constexpr std::size_t kOutputTail = 2048;

/// Runs every command of `check` in `cwd` with `environment` (already scrubbed), each bounded
/// by `timeout`. Error only for cancellation (kCancelled); a command that cannot start fails the
/// check with its reason as output.
[[nodiscard]] Result<CheckOutcome> run_check(const std::vector<CheckCommand>& check,
                                             const std::filesystem::path& cwd,
                                             const Environment& environment,
                                             std::chrono::milliseconds timeout,
                                             tools::ProcessRunner& runner, std::stop_token stop);

/// The last `max_bytes` of `text`, not starting inside a UTF-8 character.
std::string utf8_tail(const std::string& text, std::size_t max_bytes);

}  // namespace agentry::batch
