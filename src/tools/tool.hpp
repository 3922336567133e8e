#pragma once
/// The interface between the engine and everything the model can do to the world.
///
/// src/tools owns tool schemas (loaded from tools/*.yaml), argument validation, the process
/// runner (argv only, timeouts, output caps, scrubbed environment, optional sandbox), one
/// executor per tool, the cargo/rustc diagnostics parser and the permission policy. It knows
/// nothing of models or front-ends.
///
/// Two kinds of failure (STYLE.md): a tool that ran and failed (bad arguments, a failing build)
/// returns a ToolOutput with is_error = true — text for the model; a tool that could not run at
/// all for a reason the model cannot fix (cancelled, sandbox unavailable) returns an Error.
#include <chrono>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/message.hpp"

namespace agentry::tools {

/// What a permission check decided.
enum class Permission { kAllow, kAsk, kDeny };

/// Where a tool runs and what it may touch.
struct ToolContext {
  std::filesystem::path workspace;  ///< absolute; the only tree tools may write
  std::stop_token stop;             ///< cancels the tool and its child processes
  /// When an in-process tool gives up (its limits.timeout from the start of the run; the
  /// invoker sets it). Tools that loop over files or bytes check out_of_time() as they go.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// The call was decided as a write into a settings folder (call_writes_settings) and allowed
  /// or approved as such. Without it a file tool refuses a write that lands in one anyway (the
  /// tree changed between the decision and the write).
  bool may_write_settings = false;
  /// Folders outside the workspace that the reading file tools (read_file, list_files, grep,
  /// glob) may also read, each confined like the workspace (no `..` or symlink out of it); never
  /// written. The engine puts here the folders of the skills the model loaded.
  std::vector<std::filesystem::path> read_roots{};

  /// Cancelled, or past the deadline.
  bool out_of_time() const {
    return stop.stop_requested() || std::chrono::steady_clock::now() >= deadline;
  }
};

/// What a tool hands back to the model.
struct ToolOutput {
  std::string content;     ///< exactly the text the model reads
  bool is_error = false;   ///< the tool ran but failed; the model should react
  nlohmann::json details;  ///< structured data for front-ends and tests (diagnostics, counts)
};

/// Limits every tool declares in its YAML.
struct ToolLimits {
  std::chrono::milliseconds timeout{120'000};
  std::size_t output_cap = 64 * 1024;  ///< bytes of content handed to the model
};

/// A tool as declared in tools/<name>.yaml.
struct ToolSpec {
  ToolSchema schema;  ///< exactly what the model sees
  ToolLimits limits;
  bool writes = false;  ///< changes the workspace (default permission: ask)
};

class Tool {
 public:
  virtual ~Tool() = default;
  virtual const ToolSpec& spec() const = 0;
  /// Runs with arguments already validated against spec().schema.parameters.
  [[nodiscard]] virtual Result<ToolOutput> run(const nlohmann::json& arguments,
                                               const ToolContext& context) = 0;
};

}  // namespace agentry::tools
