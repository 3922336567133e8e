#pragma once
/// Tool search, the context economy of MCP tools: when the deferrable tools an agent is offered
/// (those named `mcp__<server>__<tool>`) would take more of every request than a budget, a
/// session's requests carry its native tools, a `tool_search` tool and the deferred tools
/// activated so far, not the rest; the system prompt says how many are searchable, and where.
///
/// The tools array only grows, in a stable order — native tools as the ToolHost gives them (and
/// `task`), then `tool_search`, then activated tools in activation order — so that each request's
/// cached prefix up to the tools stays the longest it can be.
///
/// The activated set is derived from the session's own calls, so it needs no storage of its
/// own: each `tool_search` call activates what its search finds (a search is a pure function of
/// its arguments and the tool set), and each call of a deferred tool activates that tool (it
/// runs whether activated or not: the host checks it as any call, and a model that knows a name
/// need not search first). The engine notes every turn's calls in call order once they ran, and
/// replays a resumed session's transcript the same way, so chat turns, --continue and --resume
/// see the same set in the same order. A compaction drops the earlier calls: the summary then
/// carries one line naming the activated tools (summary_note), which the replay reads back.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/message.hpp"

namespace agentry::engine {

inline constexpr const char* kToolSearchToolName = "tool_search";

enum class ToolSearchMode {
  kAuto,    ///< defer when the deferrable tools exceed the budget
  kAlways,  ///< defer every deferrable tool
  kNever,   ///< send every tool in every request
};

/// "auto", "always", "never".
const char* to_string(ToolSearchMode mode);
std::optional<ToolSearchMode> parse_tool_search_mode(std::string_view text);

/// The config's `tool_search`, `tool_search_max_tools` and `tool_search_max_tokens`.
struct ToolSearchSettings {
  ToolSearchMode mode = ToolSearchMode::kAuto;
  int max_tools = 40;               ///< auto defers above this many deferrable tools
  std::int64_t max_tokens = 10000;  ///< or above this many tokens of their schemas
};

/// A tool the engine may leave out of requests until it is searched for: an MCP tool.
bool is_deferrable(std::string_view tool_name);

/// The tokens `schemas` take in a request, by the engine's estimate before any usage report
/// (ContextBudget at its starting ratio of characters per token).
std::int64_t schema_tokens(const std::vector<ToolSchema>& schemas);

class ToolSearch {
 public:
  static constexpr int kDefaultResults = 5;
  static constexpr int kMaxResults = 20;

  /// The split of `schemas` (an agent's tools, in the order they are offered) under `settings`;
  /// nullopt when every tool is to be sent: mode never, nothing deferrable, or (auto) within
  /// both budgets.
  static std::optional<ToolSearch> plan(const std::vector<ToolSchema>& schemas,
                                        const ToolSearchSettings& settings);

  /// What a request carries: native tools, `tool_search`, activated tools.
  const std::vector<ToolSchema>& offered() const { return offered_; }
  /// How many tools are deferred (activated or not).
  std::size_t deferred_count() const { return deferred_.size(); }
  /// The servers of the deferred tools with their counts, in first-seen order:
  /// "github (40 tools), memory (9 tools)".
  std::string servers() const;

  /// Runs a `tool_search` call: the found tools' names, descriptions and parameters, or what
  /// to rewrite. Changes nothing (note_calls() activates): safe from parallel calls.
  ToolResult run(const ToolCall& call) const;

  /// Indices into the deferred tools that `arguments` ({query, max_results}) finds, best
  /// first: `select:a,b` or an exact name picks those; else each query word found in a tool's
  /// name scores 3, else in its description 1; ties keep the tools' order. An error message
  /// when the arguments are malformed.
  struct Found {
    std::vector<std::size_t> tools;
    std::vector<std::string> unknown;  ///< `select:` names that are no deferred tool
    std::string error;                 ///< non-empty: rewrite your input
  };
  Found find(const nlohmann::json& arguments) const;

  /// Activates, in call order, what `calls` (one turn's, after they ran) find or call. Returns
  /// the characters of the schemas newly offered (for the context budget).
  std::size_t note_calls(const std::vector<ToolCall>& calls);
  /// The same over a loaded transcript (a resumed session), and the activation lines of its
  /// compaction summaries.
  std::size_t replay(const std::vector<Message>& history);
  /// The line to append to a compaction's summary: the tools activated so far (empty: none).
  std::string summary_note() const;

 private:
  std::optional<std::size_t> index_of(std::string_view name) const;
  std::size_t activate(std::size_t index);

  std::vector<ToolSchema> deferred_;
  std::vector<std::string> haystack_names_;  ///< lower-case names without `mcp__`
  std::vector<std::string> haystack_texts_;  ///< lower-case descriptions
  std::vector<bool> active_;
  std::vector<ToolSchema> offered_;
  std::size_t first_activated_ = 0;  ///< where activated tools begin in offered_
};

}  // namespace agentry::engine
