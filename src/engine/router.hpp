#pragma once
/// Routing a task to an agent without a model when the choice is clear: an agent named in the
/// task, words shared with an agent's name and description (weighted by how rare they are among
/// all agents), and the workspace (a Cargo.toml makes Rust agents likelier). When no candidate
/// stands out, the route is "ambiguous" and the caller asks the model.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/ports.hpp"

namespace agentry::engine {

struct RouteCandidate {
  const agents::AgentDefinition* agent = nullptr;
  double score = 0;
  std::vector<std::string> matched;  ///< the words (or signals) that scored
};

struct Route {
  const agents::AgentDefinition* agent = nullptr;  ///< null when ambiguous
  std::string reason;                              ///< one sentence a person can check
  bool clear = false;                              ///< decided without a model
  std::vector<RouteCandidate> candidates;          ///< best first, at most 5
};

/// Scores every routable agent (not disabled, not hidden) for `task` in `workspace`.
Route route_task(const AgentCatalog& catalog, const std::string& task,
                 const std::filesystem::path& workspace);

/// Lowercase word stems of `text` without stop words (exposed for tests).
std::vector<std::string> route_words(const std::string& text);

}  // namespace agentry::engine
