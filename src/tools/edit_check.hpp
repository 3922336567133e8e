#pragma once
/// Diagnostics after every edit (issue 18): after write_file, edit_file, clippy_fix or rustfmt
/// (apply) touched `.rs` files of a cargo package, `cargo check --message-format=json` runs for
/// that package (the nearest Cargo.toml above the file, within the workspace; the cargo tools'
/// CARGO_TARGET_DIR, so it is incremental; through the services' runner, so sandboxed when the
/// sandbox is on; with --all-targets when a touched file is a test, example, bench or build
/// script, or holds unit tests, which plain `cargo check` does not compile) within a time budget,
/// and the model reads the errors and the new warnings (not seen by an earlier check of the
/// session) in the touched files, rendered compactly. A check past its budget is stopped (its
/// process group killed) and leaves a one-line note.
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/tool.hpp"
#include "tools/tool_registry.hpp"

namespace agentry::tools {

struct EditCheckOptions {
  /// The whole check's time budget (every package it checks); over it the check is stopped.
  std::chrono::milliseconds budget{20'000};
  /// Bytes of rendered diagnostics the model reads at most.
  std::size_t output_cap = 8 * 1024;
};

/// A writing call as the check sees it.
struct EditedCall {
  std::string tool;  ///< write_file, edit_file, clippy_fix, rustfmt; others are ignored
  nlohmann::json arguments;
};

class EditChecker {
 public:
  EditChecker(ToolServices services, EditCheckOptions options)
      : services_(std::move(services)), options_(options) {}

  /// The text to append to the result of the last of `calls` (the writing calls of one turn of
  /// `session` that succeeded, in order): empty when they touched no `.rs` file of a cargo
  /// package. Files clippy_fix and rustfmt changed are those modified since `since` (taken
  /// before the first call ran). Never fails: a check that cannot run or ends early says so in
  /// one line; a cancelled one (context.stop) returns empty.
  std::string check(const std::string& session, const std::vector<EditedCall>& calls,
                    const ToolContext& context, std::filesystem::file_time_type since);

 private:
  using WarningCounts = std::map<std::string, int>;
  /// The one-line note of a check stopped at its budget.
  std::string over_budget(const std::string& head) const;

  ToolServices services_;
  EditCheckOptions options_;
  std::mutex mutex_;  ///< guards seen_ (parallel subagents)
  /// Per session, how many times each warning (file, code, message) was seen by a check.
  std::map<std::string, WarningCounts> seen_;
};

}  // namespace agentry::tools
