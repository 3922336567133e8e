#pragma once
/// Which hooks (engine/hook_config.hpp) a command runs: the config's `hooks:` (settings.hpp;
/// a project's `.agentry/config.yaml` only when trusted), then the `hooks` of the project's
/// `.claude/settings.json` and `.claude/settings.local.json` (Claude Code's files, read as it
/// writes them) when the project is trusted (project_trust.hpp). An untrusted project's hooks
/// never run: each of its files that has some gives a warning naming it. Agents' own `hooks`
/// come with the agent (an untrusted project's are dropped by restrict_untrusted_agents).
#include <string>
#include <vector>

#include "app/app_context.hpp"
#include "app/settings.hpp"
#include "core/error.hpp"
#include "engine/hook_config.hpp"

namespace agentry::app {

struct HookSources {
  engine::HookSet hooks;
  std::vector<std::string> warnings;  ///< ignored entries, untrusted files
};

/// The hooks of `settings` and of ctx.trust_advice.root's `.claude` files. A trusted project's
/// file that is not JSON, or whose `hooks` has the wrong shape, is a kConfig error naming it.
[[nodiscard]] Result<HookSources> hook_sources(const Settings& settings, const AppContext& ctx);

}  // namespace agentry::app
