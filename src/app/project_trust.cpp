#include "app/project_trust.hpp"

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "app/config_settings.hpp"
#include "app/settings.hpp"
#include "core/text.hpp"
#include "engine/tool_access.hpp"
#include "tools/permission_mode.hpp"
#include "tools/permissions.hpp"

namespace agentry::app {

namespace fs = std::filesystem;
using nlohmann::json;
using tools::Permission;

namespace {

fs::path resolved(const fs::path& path) {
  std::error_code ec;
  auto canonical = fs::weakly_canonical(path, ec);
  return (ec ? path : canonical).lexically_normal();
}

std::string warning(std::string_view where, std::string_view what, std::string_view origin,
                    std::string_view effect, const TrustAdvice& advice) {
  return fmt::format(
      "{}: ignored {} from {} of an untrusted project ({}); to apply it, add {} to "
      "trusted_projects in {} or pass --trust-project",
      where, what, origin, effect, advice.root.string(), advice.user_config.string());
}

// ---- permissions -------------------------------------------------------------------------

using Rule = std::optional<Permission>;

/// One side's `permissions`: a rule per tool and the `default` (or `*`) for the rest.
struct Rules {
  std::map<std::string, Permission> tools;
  Rule fallback;
  std::string fallback_key;  ///< "default" or "*", as written; "" when none

  Rule effective(const std::string& tool) const {
    auto it = tools.find(tool);
    if (it != tools.end()) return it->second;
    // An MCP rule (`mcp__github__delete_repo`, or a pattern) is ruled by the user's pattern or
    // server rule that covers it, as PermissionPolicy reads them.
    if (tool.starts_with("mcp__")) {
      std::vector<std::string_view> keys;
      for (const auto& rule : tools)
        keys.emplace_back(rule.first);
      if (auto key = tools::mcp_rule_key(keys, tool); !key.empty()) return tools.at(key);
    }
    return fallback;
  }
};

bool is_default_key(const std::string& key) {
  return key == "default" || key == "*";
}

Rules read_rules(const json* section) {
  Rules rules;
  if (section == nullptr || !section->is_object()) return rules;
  // nlohmann orders keys, so `default` is read after `*` and wins, as PermissionPolicy reads it.
  for (const auto& [key, value] : section->items()) {
    Rule p = value.is_string() ? tools::parse_permission(value.get<std::string>()) : Rule();
    if (!p) continue;
    if (is_default_key(key)) {
      rules.fallback = p;
      rules.fallback_key = key;
    } else {
      rules.tools[key] = *p;
    }
  }
  return rules;
}

/// The stricter of the user's and the project's rule. No user rule means agentry's default,
/// which is allow or ask: a project `ask`/`deny` is never looser than that, an `allow` may be.
Rule stricter(Rule user, Rule project) {
  if (!project) return user;
  if (!user) return *project == Permission::kAllow ? Rule() : project;
  return static_cast<int>(*project) > static_cast<int>(*user) ? project : user;
}

bool looser(Rule user, Permission project) {
  return stricter(user, project) != Rule(project);
}

class PermissionMerge {
 public:
  PermissionMerge(Config& project, const Config& user, const TrustAdvice& advice,
                  std::vector<std::string>& warnings)
      : project_(project), user_(user), advice_(advice), warnings_(warnings) {}

  void run() {
    const json* section = project_.find("/permissions");
    if (section == nullptr) return;
    if (!section->is_object()) {
      drop("/permissions", "`permissions`",
           "it must map tool names to allow, ask or deny; the user's rules stay");
      return;
    }
    drop_invalid_rules(*section);
    const Rules user = read_rules(user_.find("/permissions"));
    const std::string fallback_key = user.fallback_key.empty() ? "default" : user.fallback_key;
    spell_fallback_as(fallback_key);
    const Rules project = read_rules(project_.find("/permissions"));

    std::set<std::string> names;
    for (const auto& rules : {&user, &project})
      for (const auto& [tool, rule] : rules->tools)
        names.insert(tool);
    for (const auto& tool : names) {
      auto own = project.tools.find(tool);
      auto user_own = user.tools.find(tool);
      apply(tool, user.effective(tool), project.effective(tool),
            own == project.tools.end() ? Rule() : Rule(own->second),
            user_own == user.tools.end() ? Rule() : Rule(user_own->second),
            own == project.tools.end() ? fallback_key : tool);
    }
    apply(fallback_key, user.fallback, project.fallback, project.fallback, user.fallback,
          fallback_key);
  }

 private:
  static std::string pointer_of(const std::string& key) {
    return "/permissions/" + json_pointer_segment(key);
  }

  /// Keeps one of the project's `default` and `*` (the one PermissionPolicy would read), under
  /// the user's spelling, so that after the merge only one of them rules.
  void spell_fallback_as(const std::string& key) {
    const std::string winner = read_rules(project_.find("/permissions")).fallback_key;
    if (winner.empty()) return;
    auto value = *project_.find(pointer_of(winner));
    auto where = project_.where(pointer_of(winner));
    project_.erase(pointer_of("default"));
    project_.erase(pointer_of("*"));
    project_.set(pointer_of(key), std::move(value), std::move(where));
  }

  void drop(const std::string& pointer, std::string_view what, std::string_view effect) {
    auto where = project_.where(pointer);
    if (project_.erase(pointer))
      warnings_.push_back(warning(where, what, "the config", effect, advice_));
  }

  void drop_invalid_rules(const json& section) {
    std::vector<std::string> invalid;
    for (const auto& [tool, value] : section.items()) {
      if (!value.is_string() || !tools::parse_permission(value.get<std::string>()))
        invalid.push_back(tool);
    }
    for (const auto& tool : invalid)
      drop("/permissions/" + json_pointer_segment(tool),
           fmt::format("`permissions: {{{}: ...}}`", tool), "it is not allow, ask or deny");
  }

  /// Makes the project's rule for `key` the stricter of the user's and the project's effective
  /// rules, warning when the project's own rule was looser than the user's. `origin_key` names
  /// the project rule the result comes from.
  void apply(const std::string& key, Rule user, Rule project, Rule own, Rule user_own,
             const std::string& origin_key) {
    const std::string pointer = pointer_of(key);
    if (own && looser(user, *own)) {
      warnings_.push_back(warning(
          project_.where(pointer),
          fmt::format("`permissions: {{{}: {}}}`", key, tools::to_string(*own)), "the config",
          fmt::format("a project may make a tool stricter than your "
                      "rules ({}), not looser",
                      user ? tools::to_string(*user) : "the default"),
          advice_));
    }
    Rule result = stricter(user, project);
    if (!result || result == user_own) {
      project_.erase(pointer);
      return;
    }
    auto origin = project_.find(pointer_of(origin_key)) != nullptr
                      ? project_.where(pointer_of(origin_key))
                      : user_.where(pointer);
    project_.set(pointer, tools::to_string(*result), origin);
  }

  Config& project_;
  const Config& user_;
  const TrustAdvice& advice_;
  std::vector<std::string>& warnings_;
};

// ---- agent files -------------------------------------------------------------------------

/// "file:line" of the first line of `file` that sets one of `keys`; "file" when none does.
std::string key_location(const fs::path& file, std::initializer_list<std::string_view> keys) {
  std::ifstream in(file);
  int number = 0;
  for (std::string line; number < 10'000 && std::getline(in, line);) {
    ++number;
    std::string_view text(line);
    text.remove_prefix(std::min(text.size(), text.find_first_not_of(" \t")));
    for (auto key : keys) {
      if (text.starts_with(key) && text.substr(key.size()).starts_with(':'))
        return fmt::format("{}:{}", file.string(), number);
    }
  }
  return file.string();
}

/// `permission` without any rule that allows; true when something was removed.
bool drop_allows(json& permission) {
  if (permission.is_string()) {
    if (permission != "allow") return false;
    permission = nullptr;
    return true;
  }
  if (!permission.is_object()) return false;
  bool dropped = false;
  for (auto it = permission.begin(); it != permission.end();) {
    if (it->is_object()) dropped = drop_allows(*it) || dropped;
    if (*it == "allow" || (it->is_object() && it->empty())) {
      it = permission.erase(it);
      dropped = true;
    } else {
      ++it;
    }
  }
  return dropped;
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

std::vector<std::string> restrict_untrusted_project(Config& project, const Config& user,
                                                    const TrustAdvice& advice) {
  std::vector<std::string> warnings;
  auto drop = [&](const std::string& pointer, std::string_view what, std::string_view effect) {
    auto where = project.where(pointer);
    if (project.erase(pointer))
      warnings.push_back(warning(where, what, "the config", effect, advice));
  };

  std::vector<std::string> nulls;
  for (const auto& [key, value] : project.data().items()) {
    if (value.is_null()) nulls.push_back(key);
  }
  for (const auto& key : nulls) {
    // fmt, not "/" + std::string: g++ 12 misreports that under -Wrestrict at -O3.
    drop(fmt::format("/{}", json_pointer_segment(key)), fmt::format("`{}:` with no value", key),
         "a project may not unset your settings");
  }
  drop("/providers", "`providers`", "it would choose the servers that get your requests and keys");
  drop("/mcp_servers", "`mcp_servers`",
       "it would start programs, or send requests, that the project chooses");
  drop("/hooks", "`hooks`", "they would run commands that the project chooses");
  drop("/cargo_target_dir", "`cargo_target_dir`",
       "it would make tools write to a directory outside the workspace");
  if (auto sandbox = sandbox_setting(project); !sandbox) {
    drop("/sandbox", "`sandbox`", sandbox.error().message + "; it may only be on");
  } else if (*sandbox == false) {
    drop("/sandbox", "`sandbox`", "a project may turn the sandbox on, not off");
  }
  for (const auto& limit : limit_settings()) {
    const std::string what = fmt::format("`{}`", limit.key);
    auto value = limit_setting(project, limit);
    if (!value) {
      drop(fmt::format("/{}", limit.key), what, value.error().message);
      continue;
    }
    const int users = limit_value(user, limit).value_or(limit.fallback);
    if (*value && **value > users)
      drop(fmt::format("/{}", limit.key), what,
           fmt::format("a project may lower it below {}, not raise it", users));
  }
  PermissionMerge(project, user, advice, warnings).run();
  return warnings;
}

std::vector<std::string> restrict_untrusted_agents(std::vector<agents::AgentDefinition>& agents,
                                                   int max_steps, const TrustAdvice& advice) {
  std::vector<std::string> warnings;
  for (auto& agent : agents) {
    if (agent.scope != "project") continue;
    auto dropped = [&](std::initializer_list<std::string_view> keys, std::string_view what,
                       std::string_view effect) {
      warnings.push_back(
          warning(key_location(agent.source, keys), what, "the agent file", effect, advice));
    };
    if (agent.extra.is_object()) {
      // A value that does not parse is dropped too: it would stop every run of the agent.
      if (auto mode = engine::agent_permission_mode(agent); !mode || tools::loosens(*mode)) {
        auto written = agent.extra.find("permissionMode");
        dropped({"permissionMode"},
                fmt::format(
                    "`permissionMode: {}`",
                    written->is_string()
                        ? written->get<std::string>()
                        : written->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)),
                mode ? "it would let the agent's calls run without asking"
                     : "it is not one of default, acceptEdits, bypassPermissions, plan or dontAsk");
        agent.extra.erase(written);
      }
    }
    if (drop_allows(agent.permission))
      dropped({"permission"}, "the `permission` rules that allow",
              "an agent of a project may make tools ask or deny, not allow them");
    if (!agent.hooks.is_null()) {
      dropped({"hooks"}, "`hooks`", "they would run commands that the project chooses");
      agent.hooks = nullptr;
    }
    if (agent.max_steps && *agent.max_steps > max_steps) {
      dropped({"steps", "maxSteps", "max_steps", "maxTurns"},
              fmt::format("`steps: {}`", *agent.max_steps),
              fmt::format("a project may lower max_steps below {}, not raise it", max_steps));
      agent.max_steps.reset();
    }
  }
  return warnings;
}

}  // namespace agentry::app
