#include "app/hook_settings.hpp"

#include <fmt/format.h>

#include "app/json_settings_file.hpp"

namespace agentry::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// The `hooks` of a Claude Code settings file; null when it has none.
Result<json> hooks_of(const fs::path& file) {
  auto doc = read_json_settings(
      file, "write Claude Code's settings: {\"hooks\": {\"PreToolUse\": [...]}}");
  if (!doc) return doc;
  auto hooks = doc->find("hooks");
  return hooks == doc->end() ? json() : *hooks;
}

}  // namespace

Result<HookSources> hook_sources(const Settings& settings, const AppContext& ctx) {
  HookSources out{settings.hooks, settings.hook_warnings};
  const fs::path& root = ctx.trust_advice.root;
  if (root.empty()) return out;
  for (const char* name : {"settings.json", "settings.local.json"}) {
    const fs::path file = root / ".claude" / name;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    auto hooks = hooks_of(file);
    if (!ctx.project_trusted) {
      bool has_hooks = !hooks || (!hooks->is_null() && !hooks->empty());
      if (has_hooks)
        out.warnings.push_back(fmt::format(
            "{}: ignored its hooks: the project {} is not trusted, so they do not run; to run "
            "them, add it to trusted_projects in {} or pass --trust-project",
            file.string(), root.string(), ctx.trust_advice.user_config.string()));
      continue;
    }
    if (!hooks) return tl::make_unexpected(hooks.error());
    auto parsed = engine::parse_hooks(*hooks, fmt::format("{}: hooks", file.string()));
    if (!parsed) return tl::make_unexpected(parsed.error());
    out.hooks.add(parsed->hooks);
    out.warnings.insert(out.warnings.end(), parsed->warnings.begin(), parsed->warnings.end());
  }
  return out;
}

}  // namespace agentry::app
