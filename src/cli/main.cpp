// agentry's entry: parses the command line, builds the logger, the context and the services
// (app::Services builds everything else), runs one subcommand, and is the one place that turns
// errors into messages and exit codes.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sys/prctl.h>
#include <unistd.h>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/app_context.hpp"
#include "app/services.hpp"
#include "cli/commands.hpp"
#include "core/terminal_text.hpp"

namespace {

using agentry::app::AppContext;

std::shared_ptr<spdlog::logger> make_logger(const AppContext& ctx) {
  std::shared_ptr<spdlog::logger> log;
  if (ctx.log_file.empty()) {
    log = std::make_shared<spdlog::logger>("agentry",
                                           std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  } else {
    log = std::make_shared<spdlog::logger>(
        "agentry", std::make_shared<spdlog::sinks::basic_file_sink_mt>(ctx.log_file));
  }
  log->set_level(spdlog::level::from_str(ctx.log_level));
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  return log;
}

int run(int argc, char** argv) {
  AppContext ctx;
  ctx.env = agentry::Environment::from_process();
  // Keys live on in ctx.env only: /proc/<pid>/environ shows the start-up block to root (and,
  // were the process dumpable, to every process of the user), the crate's tests included.
  agentry::wipe_process_secrets(ctx.env);
  ctx.cwd = std::filesystem::current_path();
  // Not found is an error for every command, once it is parsed (--help and --version work
  // without the data): a broken install says where it looked rather than half-working.
  auto data_dir = agentry::app::find_data_dir(ctx.env);
  if (data_dir) ctx.data_dir = *data_dir;
  auto require_data_dir = [&] {
    if (!data_dir) throw agentry::cli::CommandError(data_dir.error());
  };

  CLI::App app{"agentry — a terminal LLM agent orchestrator with a Rust expert", "agentry"};
  app.set_version_flag("--version", std::string("agentry ") + AGENTRY_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough();
  std::string cwd_opt;
  app.add_option("--cwd", cwd_opt, "Work in DIR instead of the current directory")
      ->check(CLI::ExistingDirectory);
  app.add_option("--agents-dir", ctx.agent_dirs, "Also load agents from DIR (repeatable)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--log-level", ctx.log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-file", ctx.log_file, "Write logs to FILE instead of stderr");
  app.add_flag("--sandbox", ctx.sandbox,
               "Run tools under bubblewrap: no network, writes only "
               "to the workspace and target dir");
  app.add_flag("--trust-project", ctx.trust_project,
               "Apply all of the project's .agentry/config.yaml (providers, looser permissions, "
               "sandbox off, higher limits, cargo_target_dir) and agent files (permissionMode, "
               "allow rules), as for a project in trusted_projects");
  app.add_option("--session-db", ctx.session_db,
                 "Session store (default: "
                 "~/.local/share/agentry/sessions.db)");
  app.parse_complete_callback([&] {
    if (!cwd_opt.empty()) ctx.cwd = std::filesystem::absolute(cwd_opt);
    ctx.log = make_logger(ctx);
    agentry::app::load_app_config(ctx);
    agentry::wipe_process_secrets(ctx.env);  // the config's api_key_env names, too
    if (!app.get_subcommands().empty()) require_data_dir();
  });

  // Builds nothing until a command asks (after parsing, when the config has loaded).
  agentry::app::Services services(ctx);
  agentry::cli::set_agents_command(app, services);
  agentry::cli::set_tools_command(app, services);
  agentry::cli::set_batch_command(app, services);
  agentry::cli::set_run_command(app, services);
  agentry::cli::set_demo_command(app, services);
  agentry::cli::set_mcp_command(app, services);
  agentry::cli::set_models_command(app, services);
  agentry::cli::set_ping_command(app, services);
  agentry::cli::set_chat_command(app, services);
  agentry::cli::set_sessions_command(app, services);
  agentry::cli::set_undo_command(app, services);
  agentry::cli::set_commands_command(app, services);
  agentry::cli::set_route_command(app, services);
  agentry::cli::set_context_command(app, services);

  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      // On a terminal, `agentry` alone is the chat; scripts (no terminal) keep getting the help.
      if (::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO)) {
        require_data_dir();
        return agentry::cli::run_default_chat(services);
      }
      std::cout << app.help();
      return agentry::kExitOk;
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? agentry::kExitOk : agentry::kExitUsage;
  }
  return agentry::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Not dumpable: the processes agentry starts (the crate's build scripts and tests run as the
  // same user) cannot read its /proc/<pid>/environ, mem or fds, nor attach a debugger to it.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  try {
    return run(argc, argv);
  } catch (const agentry::cli::CommandExit& e) {
    return e.code();
  } catch (const agentry::cli::CommandError& e) {
    std::cerr << "agentry: " << agentry::terminal_safe(e.error().to_string()) << '\n';
    return agentry::exit_code_for(e.error());
  } catch (const std::exception& e) {
    std::cerr << "agentry: internal error: " << e.what()
              << " (please report this with the command you ran)\n";
    return agentry::kExitFailed;
  }
}
