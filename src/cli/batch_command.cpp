// `agentry batch TASKFILE [options]` and `agentry batch merge OUT SHARD_RESULTS...`: the command
// line of the batch front-end. The work is in cli/batch/; this file turns flags into
// BatchOptions, composes the real services, and maps the outcome to an exit code.
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "batch/batch_run.hpp"
#include "batch/merge.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "tools/permission_mode.hpp"

namespace agentry::cli {

namespace {

namespace fs = std::filesystem;

struct BatchFlags {
  std::string task_file;
  std::string results;
  int jobs = 4;
  int tool_jobs = 0;
  bool isolate = false;
  bool keep_workspaces = false;
  std::string workspace_dir;
  bool retry_failed = false;
  std::string budget;
  std::string shard;
  std::string shard_from;
  std::optional<int> shard_count;
  std::string shard_by = "index";
  std::string permission_mode = "accept-edits";
  std::string progress = "auto";
  std::string merge_out;
  std::vector<std::string> merge_inputs;
};

/// The tools whose spec says they write; the fixed list only if the specs cannot be read (the
/// runtime will then report why).
std::set<std::string> writing_tools(const app::Services& services) {
  std::set<std::string> names;
  auto specs = services.tool_specs();
  if (!specs) return {"write_file", "edit_file", "clippy_fix", "rustfmt"};
  for (const auto& spec : *specs) {
    if (spec.writes) names.insert(spec.schema.name);
  }
  return names;
}

batch::BatchOptions to_options(const app::AppContext& ctx, const BatchFlags& flags) {
  auto usage = [](Result<void> r) {
    if (!r) throw CommandError(r.error());
  };
  batch::BatchOptions o;
  o.task_file = fs::absolute(ctx.cwd / flags.task_file).lexically_normal();
  if (!flags.results.empty()) o.results = fs::absolute(ctx.cwd / flags.results).lexically_normal();
  o.jobs = flags.jobs;
  o.tool_jobs = flags.tool_jobs;
  o.isolate = flags.isolate;
  o.keep_workspaces = flags.keep_workspaces;
  if (!flags.workspace_dir.empty()) o.workspace_dir = ctx.cwd / flags.workspace_dir;
  o.retry_failed = flags.retry_failed;
  if (!flags.budget.empty()) {
    auto budget = batch::parse_budget(flags.budget);
    usage(budget.transform([&](batch::Budget b) { o.budget = b; }));
  }
  if (!flags.shard.empty()) {
    auto shard = batch::parse_shard(flags.shard);
    usage(shard.transform([&](batch::Shard s) { o.shard = s; }));
  } else if (!flags.shard_from.empty()) {
    auto shard = batch::shard_from_environment(flags.shard_from, ctx.env, flags.shard_count);
    usage(shard.transform([&](batch::Shard s) { o.shard = s; }));
  }
  o.shard_by = flags.shard_by == "id" ? batch::ShardBy::kId : batch::ShardBy::kIndex;
  usage(tools::parse_permission_mode(flags.permission_mode)
            .transform([&](tools::PermissionMode mode) { o.permission_mode = mode; }));
  bool terminal = ::isatty(STDERR_FILENO) && ctx.env.get_or("TERM", "dumb") != "dumb";
  o.live_progress = flags.progress == "live" || (flags.progress == "auto" && terminal);
  return o;
}

int run_batch_command(app::Services& services, const BatchFlags& flags) {
  const auto& ctx = services.context();
  if (flags.task_file.empty()) {
    throw CommandError(
        Error(ErrorCode::kUsage, "no task file given", "agentry batch",
              "run `agentry batch TASKFILE`, or `agentry batch merge OUT FILES...`"));
  }
  batch::BatchOptions options = to_options(ctx, flags);
  options.redactor = ctx.redactor;
  InterruptWatcher interrupts;
  auto runner = services.task_runner(app::HttpLoading::kNow);
  if (!runner) throw CommandError(runner.error());
  // The task file's checks are the user's own commands: the plain runner.
  batch::BatchServices batch_services{
      **runner, services.user_runner(), ctx.env, writing_tools(services), std::cout, std::cerr};
  auto code = batch::run_batch(options, batch_services, interrupts.token());
  if (!code) throw CommandError(code.error());
  return *code;
}

int run_merge_command(const app::AppContext& ctx, const BatchFlags& flags) {
  std::vector<fs::path> inputs;
  for (const auto& in : flags.merge_inputs)
    inputs.push_back(ctx.cwd / in);
  auto report = batch::merge_results(ctx.cwd / flags.merge_out, inputs);
  if (!report) throw CommandError(report.error());
  std::cerr << fmt::format("merged {} result line{} from {} file{} into {} ({} task{})\n",
                           report->read, report->read == 1 ? "" : "s", inputs.size(),
                           inputs.size() == 1 ? "" : "s", flags.merge_out, report->written,
                           report->written == 1 ? "" : "s");
  if (report->torn_tails > 0) {
    std::cerr << fmt::format(
        "note: {} file{} ended in an unfinished line (a shard stopped "
        "mid-write); it was left out, rerun that shard to finish it\n",
        report->torn_tails, report->torn_tails == 1 ? "" : "s");
  }
  return kExitOk;
}

}  // namespace

void set_batch_command(CLI::App& app, app::Services& services) {
  auto flags = std::make_shared<BatchFlags>();
  auto* cmd = app.add_subcommand(
      "batch", "Run the tasks of a task file (YAML or JSONL) concurrently; rerun to resume");
  cmd->add_option("TASKFILE", flags->task_file, "The task file (.yaml/.yml or .jsonl)");
  cmd->add_option("-j,--jobs", flags->jobs, "Tasks (LLM conversations) at once (default 4)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--tool-jobs", flags->tool_jobs,
                  "Check processes at once (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--results", flags->results,
                  "Results file, one JSON line per task (default: <TASKFILE stem>.results.jsonl "
                  "beside it)");
  cmd->add_flag("--isolate", flags->isolate,
                "Give each task its own copy of its directory, so writers can run at once");
  cmd->add_flag("--keep-workspaces", flags->keep_workspaces,
                "Keep the --isolate copies (their paths go into the results)");
  cmd->add_option("--workspace-dir", flags->workspace_dir,
                  "Where --isolate copies go (default: a new folder under $TMPDIR)");
  cmd->add_flag("--retry-failed", flags->retry_failed,
                "Run again the tasks recorded as failed, timeout or error");
  cmd->add_option("--budget", flags->budget,
                  "Stop starting tasks once this is spent: tokens (500k, 2M) or dollars ($5)");
  auto* shard =
      cmd->add_option("--shard", flags->shard, "Run shard I of N (I/N, 0-based) of the task file");
  cmd->add_option("--shard-from", flags->shard_from,
                  "Take the shard from the job engine: slurm (SLURM_ARRAY_TASK_ID/COUNT) or k8s "
                  "(JOB_COMPLETION_INDEX)")
      ->check(CLI::IsMember({"slurm", "k8s"}))
      ->excludes(shard);
  cmd->add_option("--shard-count", flags->shard_count,
                  "With --shard-from k8s: the number of shards (default $AGENTRY_SHARD_COUNT)")
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--shard-by", flags->shard_by,
                  "index: position in the file mod N (default); id: hash of the id mod N")
      ->check(CLI::IsMember({"index", "id"}));
  cmd->add_option("--permission-mode", flags->permission_mode,
                  "ask | accept-edits (default) | bypass; nobody is there to answer `ask`")
      ->check(CLI::IsMember({"ask", "accept-edits", "bypass"}));
  cmd->add_option("--progress", flags->progress,
                  "auto (a live line on a terminal, plain lines otherwise) | live | plain")
      ->check(CLI::IsMember({"auto", "live", "plain"}));

  auto* merge = cmd->add_subcommand("merge", "Join the results files of a batch's shards");
  merge->add_option("OUT", flags->merge_out, "The merged results file to write")->required();
  merge->add_option("SHARD_RESULTS", flags->merge_inputs, "The shards' results files")->required();
  merge->callback([&services, flags] {
    int code = run_merge_command(services.context(), *flags);
    if (code != kExitOk) throw CommandExit(code);
  });
  cmd->require_subcommand(0, 1);
  cmd->callback([&services, flags, merge] {
    if (merge->parsed()) return;
    int code = run_batch_command(services, *flags);
    if (code != kExitOk) throw CommandExit(code);
  });
}

}  // namespace agentry::cli
