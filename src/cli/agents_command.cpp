// `agentry agents list|show|validate`: the registry for people (tables, file:line:col lines) and
// for scripts (one JSON value on stdout; diagnostics never mix into it).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agents/agent_json.hpp"
#include "agents/registry.hpp"
#include "agents/tool_names.hpp"
#include "cli/commands.hpp"
#include "core/terminal_text.hpp"
#include "engine/tool_access.hpp"
#include "mcpclient/tool_names.hpp"

namespace agentry::cli {

namespace {

namespace fs = std::filesystem;
using agents::AgentDefinition;
using agents::Diagnostic;
using agents::Diagnostics;
using agents::Registry;
using agents::Severity;

struct AgentsOptions {
  bool json = false;
  bool warnings = false;
  std::string name;
  std::vector<std::string> paths;
};

std::string dump(const nlohmann::ordered_json& value) {
  // Agent files may hold invalid UTF-8; a script still gets valid JSON.
  return value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

/// list/show: problems go to the log (errors at warn level, warnings at info, notes at debug),
/// or all of them straight to stderr when the user asked with --warnings.
void report_to_log(const app::AppContext& ctx, const Diagnostics& diagnostics, bool asked) {
  for (const auto& d : diagnostics) {
    if (asked) {
      std::cerr << terminal_safe_line(d.to_string()) << '\n';
    } else if (ctx.log) {
      auto level = d.severity == Severity::kError     ? spdlog::level::warn
                   : d.severity == Severity::kWarning ? spdlog::level::info
                                                      : spdlog::level::debug;
      ctx.log->log(level, "{}", d.to_string());
    }
  }
}

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

/// `text` cut to `width` characters (UTF-8 aware), with an ellipsis when cut.
std::string fit(std::string_view text, std::size_t width) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++chars == width && display_width(text.substr(i)) > 1) {
      return std::string(text.substr(0, i)) + "…";
    }
  }
  return std::string(text);
}

std::string pad(std::string text, std::size_t width) {
  std::size_t w = display_width(text);
  if (w < width) text.append(width - w, ' ');
  return text;
}

/// The tools `def` is offered, for list and show (the tool-access policy decides them).
std::vector<std::string> agent_tools(const AgentDefinition& def) {
  return engine::ToolAccess(def).listed(agents::kAgentryTools);
}

std::string tools_summary(const AgentDefinition& def) {
  if (def.tools) return def.tools->empty() ? "none" : fmt::format("{}", fmt::join(*def.tools, ","));
  std::string out = "all";
  if (!def.disabled_tools.empty()) out += fmt::format(" -{}", fmt::join(def.disabled_tools, ",-"));
  if (!def.enabled_tools.empty()) out += fmt::format(" +{}", fmt::join(def.enabled_tools, ",+"));
  return out;
}

/// The source as the user would type it: relative to the working directory when under it.
std::string display_path(const fs::path& path, const fs::path& cwd) {
  fs::path relative = path.lexically_relative(cwd);
  if (!relative.empty() && *relative.begin() != "..") return relative.string();
  return path.string();
}

void run_list(const app::Services& services, const AgentsOptions& opts) {
  const auto& ctx = services.context();
  Registry registry = services.agent_registry();
  report_to_log(ctx, registry.diagnostics(), opts.warnings);
  if (opts.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& def : registry.agents())
      out.push_back(agents::to_json(def, false, agent_tools(def)));
    std::cout << dump(out) << '\n';
    return;
  }
  struct Row {
    std::string name, mode, model, tools, source;
  };
  std::vector<Row> rows;
  Row widths{"NAME", "MODE", "MODEL", "TOOLS", "SOURCE"};
  std::size_t w_name = 4, w_mode = 4, w_model = 5, w_tools = 5;
  for (const auto& def : registry.agents()) {
    // Names, models, tools and paths come from agent files, which a repository may carry.
    Row row{
        fit(terminal_safe_line(def.name), 40), agents::to_string(def.mode),
        fit(terminal_safe_line(def.model.empty() ? "-" : def.model), 28),
        fit(terminal_safe_line(tools_summary(def)), 40),
        terminal_safe_line(fmt::format("{} ({})", display_path(def.source, ctx.cwd), def.scope))};
    w_name = std::max(w_name, display_width(row.name));
    w_mode = std::max(w_mode, display_width(row.mode));
    w_model = std::max(w_model, display_width(row.model));
    w_tools = std::max(w_tools, display_width(row.tools));
    rows.push_back(std::move(row));
  }
  auto print = [&](const Row& r) {
    std::cout << pad(r.name, w_name + 2) << pad(r.mode, w_mode + 2) << pad(r.model, w_model + 2)
              << pad(r.tools, w_tools + 2) << r.source << '\n';
  };
  print(widths);
  for (const auto& row : rows)
    print(row);
  if (rows.empty()) std::cerr << "no agents found; `agentry agents validate` shows what was read\n";
}

void run_show(const app::Services& services, const AgentsOptions& opts) {
  const auto& ctx = services.context();
  Registry registry = services.agent_registry();
  report_to_log(ctx, registry.diagnostics(), opts.warnings);
  const AgentDefinition* def = registry.find(opts.name);
  if (def == nullptr) {
    std::vector<std::string> close = registry.similar_names(opts.name);
    std::string hint = close.empty()
                           ? "`agentry agents list` shows every agent"
                           : fmt::format("did you mean {}? `agentry agents list` shows every agent",
                                         fmt::join(close, ", "));
    throw CommandError(Error(ErrorCode::kNotFound, fmt::format("no agent named '{}'", opts.name),
                             "", std::move(hint)));
  }
  if (opts.json) {
    std::cout << dump(agents::to_json(*def, true, agent_tools(*def))) << '\n';
    return;
  }
  auto field = [](std::string_view label, const std::string& value) {
    if (!value.empty()) std::cout << fmt::format("{:<16}{}\n", label, terminal_safe_line(value));
  };
  field("name:", def->name);
  field("description:", def->description);
  field("mode:", agents::to_string(def->mode));
  field("model:", def->model.empty() ? "(the caller's)" : def->model);
  if (def->temperature) field("temperature:", fmt::format("{}", *def->temperature));
  if (def->max_steps) field("max steps:", std::to_string(*def->max_steps));
  if (!def->effort.empty()) field("effort:", def->effort);
  if (def->thinking_budget)
    field("thinking:", fmt::format("budget_tokens {}", *def->thinking_budget));
  field("tools:",
        fmt::format("{}", fmt::join(agent_tools(*def), ", ")) + (def->tools ? "" : " (default)"));
  field("disabled tools:", fmt::format("{}", fmt::join(def->disabled_tools, ", ")));
  field("enabled tools:", fmt::format("{}", fmt::join(def->enabled_tools, ", ")));
  // Unknown keys and permission values are kept as written, invalid UTF-8 included.
  auto lossy = [](const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  if (!def->permission.is_null()) field("permission:", lossy(def->permission));
  field("color:", def->color);
  if (def->hidden) field("hidden:", "true");
  if (def->disabled) field("disable:", "true");
  if (!def->extra.empty()) field("extra:", lossy(def->extra));
  field("source:", fmt::format("{} ({})", def->source.string(), def->scope));
  std::cout << "\n" << terminal_safe(def->prompt) << '\n';
}

/// Where `text` first appears in `file` (1:1 when it does not).
std::pair<int, int> position_in(const fs::path& file, std::string_view text) {
  std::ifstream in(file, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto at = content.find(text);
  if (at == std::string::npos) return {1, 1};
  auto line_start = content.rfind('\n', at);
  int line =
      static_cast<int>(std::count(content.begin(), content.begin() + static_cast<long>(at), '\n')) +
      1;
  int column = static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return {line, column};
}

/// Notes for the MCP tools and servers agents name that no configured server provides.
Diagnostics unconfigured_mcp(const Registry& registry, const std::vector<std::string>& servers) {
  auto configured = [&](std::string_view part) {
    return std::any_of(servers.begin(), servers.end(), [&](const std::string& name) {
      return mcpclient::sanitize_name_part(name) == part;
    });
  };
  Diagnostics out;
  for (const auto& def : registry.agents()) {
    std::vector<std::string> named;
    for (const auto* list : {&def.enabled_tools, &def.disabled_tools})
      named.insert(named.end(), list->begin(), list->end());
    if (def.tools) named.insert(named.end(), def.tools->begin(), def.tools->end());
    for (const auto& entry : named) {
      if (!agents::is_mcp_tool_name(entry)) continue;
      std::string_view rest = std::string_view(entry).substr(5);
      std::string_view server = rest.substr(0, rest.find("__"));
      if (server.empty() || server.find_first_of("*?") != std::string_view::npos ||
          configured(server))
        continue;
      auto [line, column] = position_in(def.source, entry);
      out.push_back({Severity::kInfo, def.source, line, column,
                     fmt::format("tool '{}': no MCP server '{}' is configured (mcp_servers: in "
                                 "the config, or the project's .mcp.json)",
                                 entry, server)});
    }
    if (!def.mcp_servers) continue;
    for (const auto& server : *def.mcp_servers) {
      if (!server.definition.is_null() || configured(mcpclient::sanitize_name_part(server.name)))
        continue;
      out.push_back({Severity::kInfo, def.source, server.line, server.column,
                     fmt::format("mcpServers names '{}', which is not a configured MCP server",
                                 server.name)});
    }
  }
  return out;
}

void run_validate(app::Services& services, const AgentsOptions& opts) {
  const auto& ctx = services.context();
  Registry registry = [&] {
    if (opts.paths.empty()) return services.agent_registry();
    std::vector<fs::path> paths(opts.paths.begin(), opts.paths.end());
    // Paths are relative to --cwd; as typed when that is the process's directory, so problems
    // are reported the way the user wrote them.
    std::error_code ec;
    bool moved = fs::current_path(ec) != ctx.cwd;
    for (auto& path : paths) {
      if (moved && path.is_relative()) path = (ctx.cwd / path).lexically_normal();
    }
    return services.agent_files(paths);
  }();
  Diagnostics diagnostics = registry.diagnostics();
  // Where the config can be read, an MCP tool whose server is not configured is worth a note.
  if (auto servers = services.mcp_server_names()) {
    auto notes = unconfigured_mcp(registry, *servers);
    diagnostics.insert(diagnostics.end(), notes.begin(), notes.end());
  }
  std::size_t errors = agents::count(diagnostics, Severity::kError);
  if (opts.json) {
    nlohmann::ordered_json out;
    out["agents"] = registry.files_loaded();
    out["errors"] = nlohmann::ordered_json::array();
    out["warnings"] = nlohmann::ordered_json::array();
    for (const auto& d : diagnostics) {
      if (d.severity == Severity::kError) out["errors"].push_back(agents::to_json(d, false));
      if (d.severity == Severity::kWarning) out["warnings"].push_back(agents::to_json(d, false));
    }
    std::cout << dump(out) << '\n';
  } else {
    bool notes = ctx.log && ctx.log->should_log(spdlog::level::info);
    for (const auto& d : diagnostics) {
      if (d.severity != Severity::kInfo || notes)
        std::cout << terminal_safe_line(d.to_string()) << '\n';
    }
    std::size_t warnings = agents::count(diagnostics, Severity::kWarning);
    std::cout << fmt::format("{} agent{}, {} error{}, {} warning{}\n", registry.files_loaded(),
                             registry.files_loaded() == 1 ? "" : "s", errors,
                             errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  }
  if (errors > 0) throw CommandExit(kExitFailed);
}

}  // namespace

void set_agents_command(CLI::App& app, app::Services& services) {
  auto* agents = app.add_subcommand("agents", "List, show and validate agent definitions");
  agents->require_subcommand(1);

  auto list_opts = std::make_shared<AgentsOptions>();
  auto* list = agents->add_subcommand("list", "List every agent on the search path");
  list->add_flag("--json", list_opts->json, "Print one JSON array instead of a table");
  list->add_flag("--warnings", list_opts->warnings, "Print every load problem to stderr");
  list->callback([&services, list_opts] { run_list(services, *list_opts); });

  auto show_opts = std::make_shared<AgentsOptions>();
  auto* show = agents->add_subcommand("show", "Show one agent's resolved definition and prompt");
  show->add_option("NAME", show_opts->name, "Agent name")->required();
  show->add_flag("--json", show_opts->json, "Print one JSON object");
  show->add_flag("--warnings", show_opts->warnings, "Print every load problem to stderr");
  show->callback([&services, show_opts] { run_show(services, *show_opts); });

  auto validate_opts = std::make_shared<AgentsOptions>();
  auto* validate = agents->add_subcommand(
      "validate", "Check agent files and list every problem as file:line:col (exit 1 on errors)");
  validate->add_option("PATH", validate_opts->paths,
                       "Agent files or folders (default: the whole search path)");
  validate->add_flag("--json", validate_opts->json,
                     "Print one object {agents, errors, warnings} instead of text");
  validate->callback([&services, validate_opts] { run_validate(services, *validate_opts); });
}

}  // namespace agentry::cli
