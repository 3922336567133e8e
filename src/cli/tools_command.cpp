// `agentry tools list|show|run`: what the model sees of each tool, and running one by hand
// exactly as the model would (for users debugging a tool, and for scripts).
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "core/json_depth.hpp"
#include "core/terminal_text.hpp"
#include "tools/permissions.hpp"

namespace agentry::cli {

namespace {

using nlohmann::ordered_json;

std::vector<tools::ToolSpec> load_specs(const app::Services& services) {
  auto specs = services.tool_specs();
  if (!specs) throw CommandError(specs.error());
  return std::move(*specs);
}

const tools::ToolSpec& find_spec(const std::vector<tools::ToolSpec>& specs,
                                 const std::string& name) {
  for (const auto& s : specs)
    if (s.schema.name == name) return s;
  std::vector<std::string> names;
  for (const auto& s : specs)
    names.push_back(s.schema.name);
  throw CommandError(Error(ErrorCode::kNotFound, fmt::format("no tool named `{}`", name), "tools",
                           fmt::format("the tools are: {}", fmt::join(names, ", "))));
}

ordered_json spec_json(const tools::ToolSpec& spec) {
  ordered_json j;
  j["name"] = spec.schema.name;
  j["description"] = spec.schema.description;
  j["parameters"] = ordered_json::parse(spec.schema.parameters.dump());
  j["limits"] = {{"timeout_seconds",
                  std::chrono::duration_cast<std::chrono::seconds>(spec.limits.timeout).count()},
                 {"output_cap_bytes", spec.limits.output_cap}};
  j["writes"] = spec.writes;
  std::string permission =
      tools::to_string(tools::PermissionPolicy().decide(spec, nlohmann::json::object()));
  if (spec.writes && permission == "allow") permission += " (ask when it writes: mode apply)";
  j["default_permission"] = permission;
  return j;
}

void list_tools(const app::Services& services, bool json) {
  auto specs = load_specs(services);
  if (json) {
    ordered_json all = ordered_json::array();
    for (const auto& s : specs)
      all.push_back(spec_json(s));
    std::cout << all.dump(2) << '\n';
    return;
  }
  for (const auto& s : specs) {
    std::string first_line = s.schema.description.substr(0, s.schema.description.find('\n'));
    std::cout << fmt::format("{:<14} {:<6} {}\n", s.schema.name, s.writes ? "writes" : "reads",
                             first_line);
  }
}

void show_tool(const app::Services& services, const std::string& name) {
  auto specs = load_specs(services);
  const auto& spec = find_spec(specs, name);
  auto j = spec_json(spec);
  std::cout << fmt::format("{}\n\n{}\n\nparameters (JSON schema, as the model sees it):\n{}\n\n",
                           spec.schema.name, spec.schema.description, j["parameters"].dump(2));
  std::cout << fmt::format(
      "timeout: {} s, output cap: {} bytes, writes the workspace: {}, default permission: {}\n",
      j["limits"]["timeout_seconds"].get<long long>(), spec.limits.output_cap,
      spec.writes ? "yes" : "no", j["default_permission"].get<std::string>());
}

void run_tool(app::Services& services, const std::string& name, const std::string& args_text) {
  InterruptWatcher interrupts;
  find_spec(load_specs(services), name);
  nlohmann::json arguments = json_too_deep(args_text)
                                 ? nlohmann::json(nlohmann::json::value_t::discarded)
                                 : nlohmann::json::parse(args_text, nullptr, false);
  if (arguments.is_discarded())
    throw CommandError(
        Error(ErrorCode::kUsage, fmt::format("the arguments are not valid JSON: {}", args_text),
              "tools run", R"(quote them for the shell, e.g. '{"path": "src/lib.rs"}')"));
  // The same tools, sandbox and cargo_target_dir as a task's; the person typing the command
  // is the approver: nothing is asked again.
  ToolCall call{"cli", name, arguments, args_text};
  auto output = services.run_tool_by_hand(call, interrupts.token());
  if (!output) throw CommandError(output.error());
  std::string shown = terminal_safe(output->content);  // the crate's output, build scripts' too
  std::cout << shown;
  if (shown.empty() || shown.back() != '\n') std::cout << '\n';
  std::cout.flush();
}

}  // namespace

void set_tools_command(CLI::App& app, app::Services& services) {
  auto* tools_cmd = app.add_subcommand("tools", "List, show and run the tools the model can call");
  tools_cmd->require_subcommand(1);

  auto* list = tools_cmd->add_subcommand("list", "List every tool");
  auto json = std::make_shared<bool>(false);
  list->add_flag("--json", *json, "Print name, description, parameters, limits as one JSON array");
  list->callback([&services, json] { list_tools(services, *json); });

  auto* show = tools_cmd->add_subcommand("show", "Print a tool exactly as the model sees it");
  auto show_name = std::make_shared<std::string>();
  show->add_option("NAME", *show_name, "The tool")->required();
  show->callback([&services, show_name] { show_tool(services, *show_name); });

  auto* run = tools_cmd->add_subcommand(
      "run", "Run one tool by hand and print its result as the model would receive it (in --cwd)");
  auto run_name = std::make_shared<std::string>();
  auto run_args = std::make_shared<std::string>("{}");
  run->add_option("NAME", *run_name, "The tool")->required();
  run->add_option("JSON-ARGS", *run_args, "The arguments, one JSON object (default {})");
  run->callback([&services, run_name, run_args] { run_tool(services, *run_name, *run_args); });
}

}  // namespace agentry::cli
