// `agentry mcp list|tools|call`: the MCP servers agentry uses (app::Services::mcp_pool), by hand:
// their state and tools, and one tools/call printed as the model would read it. Calling a tool
// here is the user's own act, as `agentry tools run` is: nothing is asked.
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "core/json_depth.hpp"
#include "core/terminal_text.hpp"

namespace agentry::cli {

namespace {

using nlohmann::json;

mcpclient::ServerPool& pool_of(app::Services& services) {
  auto pool = services.mcp_pool();
  if (!pool) throw CommandError(pool.error());
  return **pool;
}

void list_servers(app::Services& services) {
  InterruptWatcher interrupts;
  auto& pool = pool_of(services);
  auto servers = pool.servers();
  if (servers.empty()) {
    std::cout << "no MCP servers configured (add `mcp_servers:` to your config, or a .mcp.json "
                 "to a trusted project)\n";
    return;
  }
  for (const auto& server : servers) {
    std::string tools_line;
    if (server.state == mcpclient::ServerState::kNotStarted) {
      auto tools = pool.tools(server.name, interrupts.token());
      if (tools) {
        std::vector<std::string> names;
        for (const auto& tool : *tools)
          names.push_back(tool.name);
        tools_line = fmt::format("  tools ({}): {}\n", names.size(), fmt::join(names, ", "));
      }
    }
    // The state after the attempt to start it.
    for (const auto& now : pool.servers()) {
      if (now.name != server.name) continue;
      std::cout << terminal_safe(fmt::format(
          "{} ({}: {}): {}{}{}\n  from {}\n", now.name, to_string(now.transport), now.target,
          to_string(now.state), now.detail.empty() ? "" : " — ", now.detail, now.origin));
    }
    std::cout << terminal_safe(tools_line);
  }
  pool.stop_all();
}

void list_tools(app::Services& services, const std::string& server, bool as_json) {
  InterruptWatcher interrupts;
  auto& pool = pool_of(services);
  auto tools = pool.tools(server, interrupts.token());
  if (!tools) throw CommandError(tools.error());
  json all = json::array();
  for (const auto& tool : *tools) {
    json entry{
        {"name", tool.name}, {"description", tool.description}, {"inputSchema", tool.input_schema}};
    if (!tool.annotations.is_null()) entry["annotations"] = tool.annotations;
    all.push_back(std::move(entry));
  }
  if (as_json) {
    std::cout << all.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return;
  }
  for (const auto& tool : *tools) {
    std::cout << terminal_safe(
        fmt::format("{}\n  {}\n  input: {}\n\n", tool.name, tool.description,
                    tool.input_schema.dump(-1, ' ', false, json::error_handler_t::replace)));
  }
}

void call_tool(app::Services& services, const std::string& server, const std::string& tool,
               const std::string& args_text) {
  InterruptWatcher interrupts;
  json arguments = json_too_deep(args_text) ? json(json::value_t::discarded)
                                            : json::parse(args_text, nullptr, false);
  if (arguments.is_discarded() || !arguments.is_object())
    throw CommandError(Error(ErrorCode::kUsage,
                             fmt::format("the arguments are not one JSON object: {}", args_text),
                             "mcp call", R"(quote them for the shell, e.g. '{"path": "/tmp"}')"));
  auto& pool = pool_of(services);
  auto progress = [](const mcpclient::Progress& p) {
    std::string total = p.total ? fmt::format("/{}", *p.total) : "";
    std::cerr << terminal_safe(fmt::format("progress {}{}{}{}\n", p.progress, total,
                                           p.message.empty() ? "" : ": ", p.message));
  };
  auto result = pool.call(server, tool, arguments, interrupts.token(), progress);
  pool.stop_all();
  std::string shown = terminal_safe(result.text);
  (result.is_error ? std::cerr : std::cout) << shown;
  if (shown.empty() || shown.back() != '\n') (result.is_error ? std::cerr : std::cout) << '\n';
  std::cout.flush();
  if (interrupts.count() > 0) throw CommandExit(kExitInterrupted);
  if (result.is_error) throw CommandExit(kExitFailed);
}

}  // namespace

void add_mcp_client_commands(CLI::App& mcp, app::Services& services) {
  auto* list = mcp.add_subcommand(
      "list", "List the MCP servers agentry uses (config, .mcp.json): state and tools");
  list->callback([&services] { list_servers(services); });

  auto* tools = mcp.add_subcommand("tools", "List the tools of one MCP server");
  auto tools_server = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  tools->add_option("SERVER", *tools_server, "The server's name")->required();
  tools->add_flag("--json", *as_json, "Print name, description, inputSchema as one JSON array");
  tools->callback(
      [&services, tools_server, as_json] { list_tools(services, *tools_server, *as_json); });

  auto* call = mcp.add_subcommand(
      "call", "Call one MCP tool by hand and print the result as the model would receive it");
  auto call_server = std::make_shared<std::string>();
  auto call_tool_name = std::make_shared<std::string>();
  auto call_args = std::make_shared<std::string>("{}");
  call->add_option("SERVER", *call_server, "The server's name")->required();
  call->add_option("TOOL", *call_tool_name, "The tool's name, as the server lists it")->required();
  call->add_option("JSON-ARGS", *call_args, "The arguments, one JSON object (default {})");
  call->callback([&services, call_server, call_tool_name, call_args] {
    call_tool(services, *call_server, *call_tool_name, *call_args);
  });
}

}  // namespace agentry::cli
