#pragma once
/// What the cargo-based tools share: finding the crate or workspace root, the common options
/// (`package`, `features`, `all_targets`), the process request (scrubbed environment, the
/// configured CARGO_TARGET_DIR, writable paths for the sandbox) and the mapping of cargo's
/// paths to workspace-relative ones.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/cargo_diagnostics.hpp"
#include "tools/process_runner.hpp"
#include "tools/tool.hpp"
#include "tools/tool_registry.hpp"
#include "tools/workspace.hpp"

namespace agentry::tools {

/// Cargo options every cargo tool takes.
struct CargoOptions {
  std::optional<std::string> package;
  std::vector<std::string> features;
  bool all_targets = false;

  /// The options of a call, or what is wrong with them, for the model: a package spec or a
  /// feature name cargo would not accept. What passes can never be read as an option, by cargo
  /// or anything it passes it to (it never starts with `-`).
  static tl::expected<CargoOptions, std::string> from_arguments(const nlohmann::json& args);
  /// `--package=P`, `--features=a,b`, `--all-targets`: each value glued to its option.
  std::vector<std::string> flags() const;
};

/// Why `filter` (cargo_test's `test_name`, a libtest filter) is refused, or empty when it is
/// fine. It goes after a second `--` (`cargo test … -- --color never -- FILTER`), where libtest
/// reads every word as a filter; one starting with `-` or holding a control character is still
/// refused, since no test name has them.
std::string test_filter_problem(const std::string& filter);

/// The folder whose Cargo.toml cargo runs on: the workspace root when it has one, else the one
/// folder one or two levels down that has; nullopt (with the reason) otherwise.
struct CargoRoot {
  std::optional<std::filesystem::path> dir;
  std::string problem;  ///< for the model when dir is unset
};
CargoRoot find_cargo_root(const Workspace& workspace);

/// A request to run `argv` in `root` for `spec`'s tool.
ProcessRequest cargo_request(const ToolServices& services, const ToolSpec& spec,
                             const Workspace& workspace, const std::filesystem::path& root,
                             std::vector<std::string> argv);

/// Runs `request` through the services' runner and logs (debug) what ran, how it ended and how
/// long it took; the logger never sees the environment, so no secret reaches the log.
[[nodiscard]] Result<ProcessResult> run_logged(const ToolServices& services,
                                               const ProcessRequest& request, std::stop_token stop);

/// Maps cargo's `file_name`s (relative to cargo's workspace root, or absolute) to paths
/// relative to the agentry workspace.
PathMapper cargo_path_mapper(const Workspace& workspace, const std::filesystem::path& root);

/// "cargo check timed out after 900 s and was stopped" and the like, or empty when it ran out.
std::string abnormal_end(const ProcessResult& result, const std::string& command,
                         const ToolSpec& spec);

/// cargo's stderr without its progress lines (Compiling/Checking/Finished/Running...), capped.
std::string cargo_stderr_summary(const std::string& err, std::size_t cap);

}  // namespace agentry::tools
