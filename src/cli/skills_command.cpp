// `agentry skills list|show|validate`: the skills on the search path for people (a table, the
// body, file:line:col lines) and for scripts (one JSON value on stdout).
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agents/skill.hpp"
#include "agents/tool_names.hpp"
#include "cli/commands.hpp"
#include "cli/validation_report.hpp"
#include "core/terminal_text.hpp"

namespace agentry::cli {

namespace {

namespace fs = std::filesystem;
using agents::Severity;
using agents::SkillDefinition;
using agents::SkillRegistry;

struct SkillsOptions {
  bool json = false;
  std::string name;
  std::vector<std::string> paths;
};

std::string json_text(const nlohmann::ordered_json& value) {
  return value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

/// `allowed-tools` as agentry names where it has them (`Read` -> read_file), else as written.
std::vector<std::string> allowed_tools(const SkillDefinition& skill) {
  std::vector<std::string> out;
  for (const auto& written : skill.allowed_tools) {
    auto mapped = agents::map_tool_name(written);
    if (mapped.kind == agents::ToolNameKind::kMapped && mapped.names.size() == 1) {
      out.push_back(mapped.names.front());
    } else {
      out.push_back(written);
    }
  }
  return out;
}

nlohmann::ordered_json skill_json(const SkillDefinition& skill, bool full) {
  nlohmann::ordered_json out;
  out["name"] = skill.name;
  out["description"] = skill.description;
  out["allowed_tools"] = allowed_tools(skill);
  out["model_invocable"] = skill.model_invocable;
  out["folder"] = skill.folder.string();
  out["source"] = skill.source.string();
  out["scope"] = skill.scope;
  if (full) {
    out["extra"] = skill.extra;
    out["body"] = skill.body;
  }
  return out;
}

/// Load errors go to the log for list and show (`validate` is where they are printed).
void log_errors(const app::AppContext& ctx, const SkillRegistry& registry) {
  if (!ctx.log) return;
  for (const auto& d : registry.diagnostics())
    if (d.severity == Severity::kError) ctx.log->warn("{}", d.to_string());
}

void run_list(const app::Services& services, const SkillsOptions& opts) {
  SkillRegistry registry = services.skill_registry();
  log_errors(services.context(), registry);
  if (opts.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& skill : registry.skills())
      out.push_back(skill_json(skill, false));
    std::cout << json_text(out) << '\n';
    return;
  }
  if (registry.skills().empty()) {
    std::cerr << "no skills found; `agentry skills validate` shows what was read\n";
    return;
  }
  std::size_t width = 4;
  for (const auto& skill : registry.skills())
    width = std::max(width, std::min<std::size_t>(skill.name.size(), 40));
  std::cout << fmt::format("{:<{}}  {:<8} {}\n", "NAME", width, "SCOPE", "DESCRIPTION");
  for (const auto& skill : registry.skills()) {
    std::string description = skill.description;
    if (description.size() > 100) description = description.substr(0, 97) + "...";
    std::cout << terminal_safe_line(
                     fmt::format("{:<{}}  {:<8} {}", skill.name, width, skill.scope, description))
              << '\n';
  }
}

void run_show(const app::Services& services, const SkillsOptions& opts) {
  SkillRegistry registry = services.skill_registry();
  log_errors(services.context(), registry);
  const SkillDefinition* skill = registry.find(opts.name);
  if (skill == nullptr) {
    std::vector<std::string> close = registry.similar_names(opts.name);
    std::string hint = close.empty()
                           ? "`agentry skills list` shows every skill"
                           : fmt::format("did you mean {}? `agentry skills list` shows every skill",
                                         fmt::join(close, ", "));
    throw CommandError(Error(ErrorCode::kNotFound, fmt::format("no skill named '{}'", opts.name),
                             "", std::move(hint)));
  }
  if (opts.json) {
    std::cout << json_text(skill_json(*skill, true)) << '\n';
    return;
  }
  auto field = [](std::string_view label, const std::string& value) {
    if (!value.empty()) std::cout << fmt::format("{:<15}{}\n", label, terminal_safe_line(value));
  };
  field("name:", skill->name);
  field("description:", skill->description);
  // Shown, not granted: the agent's and the config's permission rules decide every call.
  field("allowed-tools:", fmt::format("{}", fmt::join(allowed_tools(*skill), ", ")));
  if (!skill->model_invocable) field("invocation:", "preload only (disable-model-invocation)");
  if (!skill->extra.empty())
    field("extra:", skill->extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  field("folder:", skill->folder.string());
  field("source:", fmt::format("{} ({})", skill->source.string(), skill->scope));
  std::size_t more = 0;
  auto files = agents::skill_files(*skill, 20, more);
  if (!files.empty())
    field("files:", fmt::format("{}{}", fmt::join(files, ", "),
                                more > 0 ? fmt::format(" and {} more", more) : ""));
  std::cout << "\n" << terminal_safe(skill->body) << '\n';
}

void run_validate(const app::Services& services, const SkillsOptions& opts) {
  const auto& ctx = services.context();
  SkillRegistry registry = [&] {
    if (opts.paths.empty()) return services.skill_registry();
    std::vector<fs::path> paths;
    for (const auto& path : opts.paths)
      paths.push_back(fs::path(path).is_relative() ? (ctx.cwd / path).lexically_normal()
                                                   : fs::path(path));
    return services.skill_files(paths);
  }();
  report_validation(ctx, registry.diagnostics(), registry.files_loaded(), "skill", opts.json);
}

}  // namespace

void set_skills_command(CLI::App& app, app::Services& services) {
  auto* skills = app.add_subcommand("skills", "List, show and validate Agent Skills");
  skills->require_subcommand(1);

  auto list_opts = std::make_shared<SkillsOptions>();
  auto* list = skills->add_subcommand("list", "List every skill on the search path");
  list->add_flag("--json", list_opts->json, "Print one JSON array instead of a table");
  list->callback([&services, list_opts] { run_list(services, *list_opts); });

  auto show_opts = std::make_shared<SkillsOptions>();
  auto* show = skills->add_subcommand("show", "Show one skill: its fields, files and body");
  show->add_option("NAME", show_opts->name, "Skill name")->required();
  show->add_flag("--json", show_opts->json, "Print one JSON object");
  show->callback([&services, show_opts] { run_show(services, *show_opts); });

  auto validate_opts = std::make_shared<SkillsOptions>();
  auto* validate = skills->add_subcommand(
      "validate", "Check skills and list every problem as file:line:col (exit 1 on errors)");
  validate->add_option("PATH", validate_opts->paths,
                       "Skill folders, or folders of them (default: the whole search path)");
  validate->add_flag("--json", validate_opts->json,
                     "Print one object {skills, errors, warnings} instead of text");
  validate->callback([&services, validate_opts] { run_validate(services, *validate_opts); });
}

}  // namespace agentry::cli
