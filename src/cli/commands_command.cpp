// `agentry commands list`: the custom commands of the user's and the project's command folders,
// as chat and `agentry run /name` see them, and the problems found in their files.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agents/agent_json.hpp"
#include "app/custom_commands.hpp"
#include "cli/commands.hpp"
#include "core/terminal_text.hpp"

namespace agentry::cli {

namespace {

void list_commands(app::Services& services, bool json) {
  auto commands = app::load_custom_commands(services.context());
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& c : commands.commands()) {
      nlohmann::ordered_json allowed = nlohmann::ordered_json::array();
      for (const auto& a : c.allowed_tools)
        allowed.push_back({{"tool", a.tool}, {"command", a.command}, {"prefix", a.prefix}});
      out.push_back({{"name", c.name},
                     {"description", c.description},
                     {"argument_hint", c.argument_hint},
                     {"agent", c.agent},
                     {"model", c.model},
                     {"allowed_tools", std::move(allowed)},
                     {"scope", c.scope},
                     {"source", c.source.string()}});
    }
    nlohmann::ordered_json diagnostics = nlohmann::ordered_json::array();
    for (const auto& d : commands.diagnostics())
      diagnostics.push_back(agents::to_json(d, true));
    std::cout << nlohmann::ordered_json{{"commands", std::move(out)},
                                        {"diagnostics", std::move(diagnostics)}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
    return;
  }
  if (commands.commands().empty())
    std::cout << "no custom commands (.claude/commands, .agentry/commands, .opencode/command, "
                 "and the user's ~/.claude/commands, ~/.config/agentry/commands)\n";
  for (const auto& c : commands.commands()) {
    std::string usage =
        c.argument_hint.empty() ? "/" + c.name : "/" + c.name + " " + c.argument_hint;
    std::cout << terminal_safe_line(fmt::format("{:<28} {} ({}, {})", usage, c.description, c.scope,
                                                c.source.string()))
              << "\n";
  }
  for (const auto& d : commands.diagnostics())
    std::cerr << terminal_safe_line(d.to_string()) << "\n";
}

}  // namespace

void set_commands_command(CLI::App& app, app::Services& services) {
  auto* commands =
      app.add_subcommand("commands", "List the custom commands (/name in chat and run)");
  commands->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  auto* list =
      commands->add_subcommand("list", "List every custom command and its file's problems");
  list->add_flag("--json", *json, "Print one JSON object: commands and diagnostics");
  list->callback([&services, json] { list_commands(services, *json); });
}

}  // namespace agentry::cli
