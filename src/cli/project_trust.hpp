#pragma once
/// How much of a project's `.agentry/config.yaml` applies. A repository is somebody else's text
/// until its user says otherwise: the config of an untrusted project may tighten agentry's guard
/// (ask or deny a tool, turn the sandbox on) and set everything harmless (agents, steps), but not
/// loosen the guard or choose where requests, and with them API keys, are sent. A project is
/// trusted when its root is listed under `trusted_projects:` in the user's config, or for one
/// command with `--trust-project`. (Claude Code and Codex ask the same question with a prompt on
/// first use; a file list works unattended too: in batch, CI and MCP.)
#include <filesystem>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/environment.hpp"

namespace agentry::cli {

/// Whether the project at `root` is trusted: `flag` (--trust-project), or `root` listed in the
/// user config's `trusted_projects` (absolute paths or `~/…`; compared after resolving symlinks).
bool project_trusted(const Config& user, const std::filesystem::path& root, const Environment& env,
                     bool flag);

/// Removes from an untrusted project's config every value that could loosen the guard or send a
/// request elsewhere: `providers`, `cargo_target_dir` (a directory outside the workspace that
/// tools write), `sandbox` unless it turns the sandbox on, and each `permissions` entry other
/// than `ask` or `deny`. Returns one warning per value removed, naming where it was set, what it
/// would have done and how to trust the project (`user_config` names the file to edit).
std::vector<std::string> restrict_untrusted_project(Config& project,
                                                    const std::filesystem::path& root,
                                                    const std::filesystem::path& user_config);

}  // namespace agentry::cli
