// `agentry mcp`: serves agents as MCP tools over stdio to a parent agent (Claude Code, Codex,
// opencode, …). stdout belongs to the protocol alone: it is moved to a private descriptor and
// fd 1 is pointed at stderr, so nothing else the process prints can corrupt the stream.
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <unistd.h>
#include <vector>

#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/mcp/fd_stream.hpp"
#include "cli/mcp/mcp_server.hpp"
#include "tools/permission_mode.hpp"

namespace agentry::cli {

namespace {

struct McpOptions {
  std::vector<std::string> agents;
  std::vector<std::string> roots;
  std::string permission_mode = "ask";
  std::string model;
  std::optional<int> max_steps;
  std::size_t max_concurrent = 4;
};

/// Takes fd 1 for the protocol and points fd 1 at stderr.
UniqueFd claim_stdout() {
  UniqueFd protocol(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3));
  if (!protocol.valid() || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    throw CommandError(Error(ErrorCode::kIo, "cannot set up standard output for MCP", "agentry mcp",
                             "run it with stdout and stderr open"));
  }
  return protocol;
}

int serve(app::Services& services, const McpOptions& opts) {
  const auto& ctx = services.context();
  InterruptWatcher interrupts;  // first, so every later thread inherits its signal mask
  // A client that closes our stdout must cost an error on write, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  mcp::FdOutputBuf out_buf(claim_stdout());
  std::ostream out(&out_buf);
  mcp::FdInputBuf in_buf(STDIN_FILENO);
  std::istream in(&in_buf);

  auto runner = services.task_runner();
  if (!runner) throw CommandError(runner.error());

  mcp::ServerOptions options;
  options.agents = opts.agents;
  for (const auto& root : opts.roots)
    options.roots.push_back(ctx.cwd / root);
  if (options.roots.empty()) options.roots.push_back(ctx.cwd);
  auto mode = tools::parse_permission_mode(opts.permission_mode);
  if (!mode) throw CommandError(mode.error());
  options.permission_mode = *mode;
  options.model = opts.model;
  options.max_steps = opts.max_steps;
  options.max_concurrent = opts.max_concurrent;
  auto server = mcp::McpServer::create(**runner, std::move(options), out, ctx.log);
  if (!server) throw CommandError(server.error());
  if ((*server)->catalog().agents().empty() && ctx.log)
    ctx.log->warn("mcp: no agent to offer (no subagents loaded); only list_agents is served");

  // SIGINT/SIGTERM: stop reading, which cancels every call; a second one quits at once.
  std::stop_callback on_signal(interrupts.token(), [&in_buf] { in_buf.interrupt(); });
  interrupts.on_force_quit([] { std::_Exit(kExitInterrupted); });
  (*server)->serve(in);
  return interrupts.count() > 0 ? kExitInterrupted : kExitOk;
}

}  // namespace

void set_mcp_command(CLI::App& app, app::Services& services) {
  auto opts = std::make_shared<McpOptions>();
  auto* cmd = app.add_subcommand(
      "mcp",
      "Serve agents as MCP tools over stdio, for parent agents (Claude Code, Codex, …); with "
      "list, tools or call: use the MCP servers of the config");
  cmd->add_option("--agent", opts->agents,
                  "Offer this agent as a tool (repeatable; default: every subagent)");
  cmd->add_option("--root", opts->roots,
                  "A directory calls may work in (repeatable; default: the current directory)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--permission-mode", opts->permission_mode,
                  "ask | accept-edits | bypass (nobody can answer `ask` here: it denies)")
      ->check(CLI::IsMember({"ask", "accept-edits", "bypass"}));
  cmd->add_option("--model,-m", opts->model, "Model for every call, overriding the agents'");
  cmd->add_option("--max-steps", opts->max_steps, "Model turns before an agent must answer")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-concurrent", opts->max_concurrent,
                  "Calls that run at once; more wait (default: 4)")
      ->check(CLI::Range(1, 64));
  add_mcp_client_commands(*cmd, services);
  cmd->callback([&services, opts, cmd] {
    if (!cmd->get_subcommands().empty()) return;  // list, tools or call ran
    int code = serve(services, *opts);
    if (code != kExitOk) throw CommandExit(code);
  });
}

}  // namespace agentry::cli
