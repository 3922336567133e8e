// `agentry demo`: the README's main job. With an LLM configured it runs the real model; without
// one it runs a scripted model over the real OpenAI wire protocol (a local fake server) — and
// says so. Either way the orchestrator hands the work to rust-pro, which runs the real cargo,
// clippy and rustfmt on a copy of examples/tempconv; the demo then shows what changed and checks
// the result itself.
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/event_printer.hpp"
#include "cli/interrupt.hpp"
#include "core/scoped_temp_dir.hpp"
#include "tools/process_runner.hpp"
#include "tools/text_diff.hpp"

namespace agentry::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTask =
    "Make the crate in this workspace pass `cargo clippy -- -D warnings` and `cargo fmt "
    "--check` without changing its behaviour, and keep its tests passing.";

struct DemoOptions {
  bool scripted = false;
  bool keep = false;
  std::string crate;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// True when config or environment names a model server.
bool model_configured(app::Services& services) {
  auto settings = services.settings();
  return settings && !(*settings)->llm.providers.empty();
}

/// Every file under `dir` (relative paths), target/ left out.
std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory() && it->path().filename() == "target") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().filename() != "Cargo.lock")
      out.push_back(fs::relative(it->path(), dir));
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Runs one verification command in the workspace; prints ✓/✗ and returns success.
bool check(tools::ProcessRunner& runner, const Environment& env, const fs::path& ws,
           const std::vector<std::string>& argv, bool color) {
  tools::ProcessRequest req;
  req.argv = argv;
  req.cwd = ws;
  req.environment = tools::child_environment(env);
  req.timeout = std::chrono::minutes(5);
  auto result = runner.run(req, {});
  bool ok = result && result->succeeded();
  auto mark = ok ? (color ? "\x1b[32m✓\x1b[0m" : "✓") : (color ? "\x1b[31m✗\x1b[0m" : "✗");
  fmt::print("  {} {}\n", mark, tools::display_command(argv));
  if (!ok && result) {
    std::string tail = result->err.text.size() > 2000
                           ? result->err.text.substr(result->err.text.size() - 2000)
                           : result->err.text;
    fmt::print("{}\n", tail);
  }
  return ok;
}

int run_demo(app::Services& services, const DemoOptions& opts) {
  const auto& ctx = services.context();
  bool color = want_color(STDOUT_FILENO, ctx.env);
  auto bold = [&](const std::string& s) { return color ? "\x1b[1m" + s + "\x1b[0m" : s; };
  fs::path crate =
      opts.crate.empty() ? ctx.data_dir / "examples" / "tempconv" : fs::path(opts.crate);
  if (!fs::exists(crate / "Cargo.toml")) {
    throw CommandError(Error(ErrorCode::kNotFound, "no Cargo.toml in the demo crate",
                             crate.string(),
                             "pass --crate DIR or set AGENTRY_DATA_DIR to agentry's folder"));
  }
  bool scripted = opts.scripted || !model_configured(services);

  auto temp = ScopedTempDir::create("agentry-demo");
  if (!temp) throw CommandError(temp.error());
  if (opts.keep) temp->keep();
  fs::path ws = temp->path() / crate.filename();
  if (auto ok = copy_tree(crate, ws); !ok) throw CommandError(ok.error());

  std::unique_ptr<fakellm::FakeLlmServer> server;
  app::AppContext run_ctx = ctx;
  run_ctx.cwd = ws;
  if (scripted) {
    auto started =
        services.start_scripted_model(ctx.data_dir / "examples" / "demo" / "script.yaml");
    if (!started) throw CommandError(started.error());
    server = std::move(*started);
    // Only the scripted server: no configured provider, no key from the environment.
    for (const auto& name : {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL",
                             "OPENAI_MODEL", "ANTHROPIC_MODEL"})
      run_ctx.env.unset(name);
    run_ctx.env.set("OPENAI_BASE_URL", server->url("/v1"));
    run_ctx.env.set("OPENAI_MODEL", "scripted-demo-model");
    run_ctx.env.set("XDG_CONFIG_HOME", (temp->path() / "config").string());
    run_ctx.session_db = temp->path() / "sessions.db";
    fmt::print("{}\n", bold("agentry demo — scripted model"));
    fmt::print(
        "No LLM is configured, so the model's words and tool calls come from a script\n"
        "(examples/demo/script.yaml), served over the real OpenAI wire protocol by a local fake\n"
        "server at {}. Everything else is real: agentry's loop, the orchestrator's delegation\n"
        "to rust-pro, and cargo, clippy and rustfmt on a copy of the crate.\n"
        "Set OPENAI_API_KEY or ANTHROPIC_API_KEY (or configure a provider) to run a real "
        "model.\n\n",
        server->url());
  } else {
    fmt::print("{}\n\n", bold("agentry demo — real model"));
  }
  fmt::print("workspace: {} (a copy of {})\ntask: {}\n", ws.string(), crate.string(), kTask);

  InterruptWatcher interrupts;
  // The task's own services: the workspace copy, and in scripted mode the fake server alone.
  app::Services run_services(run_ctx);
  auto runner = run_services.task_runner(app::HttpLoading::kNow);
  if (!runner) throw CommandError(runner.error());
  EventPrinter printer(stdout, PrinterStyle{color, 6, 100});
  engine::TaskRequest request;
  request.task = kTask;
  request.cwd = ws;
  request.permission_mode = engine::PermissionMode::kAcceptEdits;
  auto result = (*runner)->run(request, printer, interrupts.token());
  if (!result) throw CommandError(result.error());

  fmt::print("\n{}\n", bold("What changed"));
  bool any = false;
  for (const auto& rel : files_under(ws)) {
    auto diff = tools::unified_diff(slurp(crate / rel), slurp(ws / rel), rel.string());
    if (diff.empty()) continue;
    any = true;
    fmt::print("{}\n", diff);
  }
  if (!any) fmt::print("  (nothing)\n");

  fmt::print("\n{}\n", bold("Checked by the demo itself"));
  auto& processes = services.user_runner();
  bool ok = check(processes, ctx.env, ws,
                  {"cargo", "clippy", "--all-targets", "--", "-D", "warnings"}, color);
  ok = check(processes, ctx.env, ws, {"cargo", "fmt", "--check"}, color) && ok;
  ok = check(processes, ctx.env, ws, {"cargo", "test", "--quiet"}, color) && ok;
  fmt::print("\nsession {} · {} turns · {} input / {} output tokens{}\n", result->session_id,
             result->num_turns, result->usage.input_tokens, result->usage.output_tokens,
             scripted ? " (scripted)" : "");
  if (opts.keep) fmt::print("workspace kept at {}\n", ws.string());
  return ok ? kExitOk : kExitFailed;
}

}  // namespace

void set_demo_command(CLI::App& app, app::Services& services) {
  auto opts = std::make_shared<DemoOptions>();
  auto* cmd = app.add_subcommand(
      "demo", "Watch the orchestrator hand a crate to rust-pro, which makes it clippy-clean");
  cmd->add_flag("--scripted", opts->scripted,
                "Use the scripted model even if an LLM is configured");
  cmd->add_flag("--keep", opts->keep, "Keep the temporary workspace");
  cmd->add_option("--crate", opts->crate, "Work on a copy of this crate instead")
      ->check(CLI::ExistingDirectory);
  cmd->callback([&services, opts] {
    int code = run_demo(services, *opts);
    if (code != kExitOk) throw CommandExit(code);
  });
}

}  // namespace agentry::cli
