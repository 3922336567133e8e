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
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/message.hpp"

namespace agentry::tools {

/// What a permission check decided.
enum class Permission { kAllow, kAsk, kDeny };

/// How far a running tool got, as it reports it.
struct ToolProgress {
  double progress = 0;
  std::optional<double> total;  ///< unset when the tool does not know
  std::string message;
};

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
  /// What a PreToolUse hook decided (engine/hooks.hpp): kAllow answers an `ask` of the policy
  /// yes (never a deny, nor a write into a settings folder, which always asks a person); kAsk
  /// asks even when the policy allows. nullopt: the policy alone.
  std::optional<Permission> hook_permission{};
  /// Where a long-running tool reports how far it got (an MCP server's progress
  /// notifications); may be empty. Called from the tool's thread.
  std::function<void(const ToolProgress&)> on_progress = {};

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
  std::vector<ToolImage> images = {};  ///< images for the models that take them (an MCP result's)
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
  /// Where a tool that is not agentry's own comes from, for approval prompts ("MCP server
  /// `memory`, tool `create_entities`"); empty for agentry's tools.
  std::string origin = {};
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
