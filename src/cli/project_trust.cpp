#include "cli/project_trust.hpp"

#include <system_error>

#include <fmt/format.h>

namespace agentry::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path resolved(const fs::path& path) {
  std::error_code ec;
  auto canonical = fs::weakly_canonical(path, ec);
  return (ec ? path : canonical).lexically_normal();
}

fs::path expand_home(const std::string& entry, const Environment& env) {
  if (entry == "~" || entry.starts_with("~/")) {
    if (auto home = env.get("HOME"); home && !home->empty())
      return fs::path(*home) / entry.substr(entry.size() > 1 ? 2 : 1);
  }
  return entry;
}

/// Whether a `sandbox` value turns the sandbox on (`on`, `true`, `{enabled: true}`).
bool turns_sandbox_on(const json& value) {
  if (value.is_string()) return value.get<std::string>() == "on";
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_object()) {
    auto enabled = value.find("enabled");
    return enabled != value.end() && enabled->is_boolean() && enabled->get<bool>();
  }
  return false;
}

}  // namespace

bool project_trusted(const Config& user, const fs::path& root, const Environment& env, bool flag) {
  if (flag) return true;
  const json* list = user.find("/trusted_projects");
  if (list == nullptr || !list->is_array()) return false;
  const auto wanted = resolved(root);
  for (const auto& entry : *list) {
    if (!entry.is_string() || entry.get<std::string>().empty()) continue;
    auto path = expand_home(entry.get<std::string>(), env);
    if (path.is_absolute() && resolved(path) == wanted) return true;
  }
  return false;
}

std::vector<std::string> restrict_untrusted_project(Config& project, const fs::path& root,
                                                    const fs::path& user_config) {
  std::vector<std::string> warnings;
  auto drop = [&](const std::string& pointer, std::string_view what, std::string_view effect) {
    auto where = project.where(pointer);
    if (!project.erase(pointer)) return;
    warnings.push_back(fmt::format(
        "{}: ignored {} from the config of an untrusted project ({}); to apply it, add {} to "
        "trusted_projects in {} or pass --trust-project",
        where, what, effect, root.string(), user_config.string()));
  };

  drop("/providers", "`providers`", "it would choose the servers that get your requests and keys");
  drop("/cargo_target_dir", "`cargo_target_dir`",
       "it would make tools write to a directory outside the workspace");
  if (const json* sandbox = project.find("/sandbox");
      sandbox != nullptr && !turns_sandbox_on(*sandbox))
    drop("/sandbox", "`sandbox`", "a project may turn the sandbox on, not off");
  if (const json* permissions = project.find("/permissions");
      permissions != nullptr && permissions->is_object()) {
    std::vector<std::string> loosening;
    for (const auto& [tool, rule] : permissions->items()) {
      if (!(rule == "ask" || rule == "deny")) loosening.push_back(tool);
    }
    for (const auto& tool : loosening) {
      drop("/permissions/" + json_pointer_segment(tool),
           fmt::format("`permissions: {{{}: ...}}`", tool),
           "a project may make a tool ask or deny, not allow it");
    }
  }
  return warnings;
}

}  // namespace agentry::cli
