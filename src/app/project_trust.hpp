#pragma once
/// How much of a project's `.agentry/config.yaml` and agent files applies. A repository is
/// somebody else's text until its user says otherwise: an untrusted project may make each
/// setting stricter than the user's and set everything harmless (agents, the default agent), but
/// not loosen the guard, raise a limit, or choose where requests, and with them API keys, are
/// sent. A project is trusted when its root is listed under `trusted_projects:` in the user's
/// config, or for one command with `--trust-project`. (Claude Code and Codex ask the same
/// question with a prompt on first use; a file list works unattended too: in batch, CI and MCP.)
///
/// What an untrusted project's config may do, setting by setting:
///   - `permissions`: merged rule by rule with the user's as the stricter of the two (a rule the
///     user does not set is compared with the user's `default`/`*`; with neither, a project
///     `allow` is dropped and `ask`/`deny` apply); a value that is not a mapping, or a rule that
///     is not allow/ask/deny, is dropped;
///   - `sandbox`: may turn it on, never off;
///   - limits (`max_steps`, `max_depth`): may lower them, not raise them above the user's value
///     (or agentry's default);
///   - `providers` and `cargo_target_dir`: ignored (so a provider's `api_key_env` names nothing);
///   - `mcp_servers`, and the project's `.mcp.json` (app/mcp_settings.hpp): never started;
///   - `hooks`, those of its agent files, and those of its `.claude/settings.json` and
///     `.claude/settings.local.json` (app/hook_settings.hpp): never run.
/// The project's AGENTS.md / CLAUDE.md files (engine/instructions.hpp) are read whether or not it
/// is trusted, as the other agents read them: they are text for the model, like the project's
/// source and its agent files' prompts, and set nothing — no permission, limit, provider or tool.
/// What could make them harmful, reading the user's other files into the prompt, is refused for
/// every project: their imports stay inside the repository.
/// Every value dropped gives one warning naming the file:line:col that set it.
#include <filesystem>
#include <string>
#include <vector>

#include "agents/agent_definition.hpp"
#include "core/config.hpp"
#include "core/environment.hpp"

namespace agentry::app {

/// Whether the project at `root` is trusted: `flag` (--trust-project), or `root` listed in the
/// user config's `trusted_projects` (absolute paths or `~/…`; compared after resolving symlinks).
bool project_trusted(const Config& user, const std::filesystem::path& root, const Environment& env,
                     bool flag);

/// Where to trust a project, for the warnings: its root and the user config file to edit.
struct TrustAdvice {
  std::filesystem::path root;
  std::filesystem::path user_config;
};

/// Rewrites an untrusted project's config so that, merged over `user`, it is never looser than
/// `user` (rules above). Returns one warning per value dropped or tightened.
std::vector<std::string> restrict_untrusted_project(Config& project, const Config& user,
                                                    const TrustAdvice& advice);

/// The same for the agent files of an untrusted project (scope "project"; others are left
/// alone): a `permissionMode` that loosens (bypassPermissions, acceptEdits; default, plan and
/// dontAsk only tighten), every `permission` rule that allows, and a `max_steps` above
/// `max_steps` are dropped, each with a warning naming the file and line.
std::vector<std::string> restrict_untrusted_agents(std::vector<agents::AgentDefinition>& agents,
                                                   int max_steps, const TrustAdvice& advice);

}  // namespace agentry::app
