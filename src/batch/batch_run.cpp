#include "batch/batch_run.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "batch/deadline_watch.hpp"
#include "batch/plan.hpp"
#include "batch/process_slots.hpp"
#include "batch/progress.hpp"
#include "batch/scheduler.hpp"
#include "batch/summary.hpp"
#include "batch/task_executor.hpp"
#include "batch/task_file.hpp"
#include "batch/write_access.hpp"
#include "store/batch_journal.hpp"

namespace agentry::batch {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

/// Tasks naming an agent the runner does not have, as task-file problems.
void check_agents(TaskFile& file, const std::vector<const agents::AgentDefinition*>& known) {
  if (known.empty()) return;
  std::vector<std::string> list;
  for (const auto* a : known)
    list.push_back(a->name);
  std::string names = fmt::format("{}", fmt::join(list, ", "));
  for (const auto& task : file.tasks) {
    if (task.agent.empty()) continue;
    bool found = std::any_of(known.begin(), known.end(), [&](const agents::AgentDefinition* a) {
      return a->name == task.agent;
    });
    if (!found) {
      file.problems.push_back({task.line, 0,
                               fmt::format("task \"{}\": unknown agent \"{}\" (known: {})", task.id,
                                           task.agent, names)});
    }
  }
}

/// The folder --isolate copies go to, and whether this run made it.
Result<std::pair<fs::path, bool>> workspace_root(const BatchOptions& options,
                                                 const Environment& env) {
  std::error_code ec;
  if (!options.workspace_dir.empty()) {
    fs::create_directories(options.workspace_dir, ec);
    if (ec) {
      return fail(ErrorCode::kIo, "cannot create the workspace folder: " + ec.message(),
                  options.workspace_dir.string(), "give another --workspace-dir");
    }
    return std::pair{fs::absolute(options.workspace_dir), false};
  }
  std::string pattern = (fs::path(env.get_or("TMPDIR", "/tmp")) / "agentry-batch-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return fail(ErrorCode::kIo, "cannot create a temporary workspace folder", pattern,
                "set TMPDIR to a writable folder, or give --workspace-dir");
  }
  return std::pair{fs::path(pattern), true};
}

/// Asks the runner whether each distinct (agent, model) of the tasks to run could start. A
/// failure (no provider configured, a bad key variable, tools that do not load) is not a task's:
/// it stops the batch before its first task instead of being recorded as every task's error.
Result<void> check_runnable(const std::vector<const BatchTask*>& tasks,
                            engine::TaskRunner& runner) {
  std::set<std::pair<std::string, std::string>> checked;
  for (const auto* task : tasks) {
    if (!checked.emplace(task->agent, task->model).second) continue;
    engine::TaskRequest request;
    request.agent = task->agent;
    request.model = task->model;
    request.cwd = task->cwd;
    if (auto ready = runner.check(request); !ready) {
      Error error = ready.error();
      error.hint += std::string(error.hint.empty() ? "" : "; ") + "no task was run";
      return tl::make_unexpected(std::move(error));
    }
  }
  return {};
}

}  // namespace

fs::path default_results_path(const fs::path& task_file, const Shard& shard) {
  std::string stem = task_file.stem().string();
  std::string name = shard.whole() ? fmt::format("{}.results.jsonl", stem)
                                   : fmt::format("{}.shard-{}-of-{}.results.jsonl", stem,
                                                 shard.index, shard.count);
  return task_file.parent_path() / name;
}

Result<int> run_batch(const BatchOptions& options, BatchServices& services, std::stop_token stop) {
  auto started = Clock::now();
  auto loaded = load_task_file(options.task_file);
  if (!loaded) return tl::make_unexpected(loaded.error());
  TaskFile& file = *loaded;
  if (file.ok()) check_agents(file, services.runner.agents());
  if (!file.ok()) {
    for (const auto& line : file.problem_lines())
      services.err << line << '\n';
    services.err << fmt::format("{}: {} problem{}; no task was run\n", options.task_file.string(),
                                file.problems.size(), file.problems.size() == 1 ? "" : "s");
    return kExitUsage;
  }

  fs::path results = options.results.empty()
                         ? default_results_path(options.task_file, options.shard)
                         : options.results;
  // Lock before reading, so no other batch appends between what this one reads and runs.
  auto writer = store::BatchJournalWriter::open(results);
  if (!writer) return tl::make_unexpected(writer.error());
  auto journal = store::read_batch_journal(results);
  if (!journal) return tl::make_unexpected(journal.error());

  Plan plan = make_plan(file.tasks, *journal,
                        PlanOptions{options.shard, options.shard_by, options.retry_failed});
  if (plan.already_done > 0) {
    services.err << fmt::format("resuming: {} of {} task{} already recorded in {}\n",
                                plan.already_done, plan.shard_tasks.size(),
                                plan.shard_tasks.size() == 1 ? "" : "s", results.string());
  }
  if (plan.rerun_outside_errors > 0) {
    services.err << fmt::format(
        "running again {} task{} that ended in an error outside the task (provider, network, "
        "key or config)\n",
        plan.rerun_outside_errors, plan.rerun_outside_errors == 1 ? "" : "s");
  }
  if (auto ready = check_runnable(plan.to_run, services.runner); !ready)
    return tl::make_unexpected(ready.error());

  std::map<std::string, bool> writes;
  {
    std::map<std::string, const agents::AgentDefinition*> by_name;
    for (const auto* a : services.runner.agents())
      by_name[a->name] = a;
    for (const auto* task : plan.to_run) {
      auto it = by_name.find(task->agent);
      writes[task->id] =
          agent_can_write(it == by_name.end() ? nullptr : it->second, services.writing_tools);
    }
  }

  fs::path ws_root;
  bool made_ws_root = false;
  if (options.isolate && !plan.to_run.empty()) {
    auto root = workspace_root(options, services.env);
    if (!root) return tl::make_unexpected(root.error());
    std::tie(ws_root, made_ws_root) = *root;
  }

  int tool_jobs = options.tool_jobs > 0
                      ? options.tool_jobs
                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ProcessSlots slots(tool_jobs);
  SlottedProcessRunner check_runner(services.processes, slots);
  DeadlineWatch deadlines;
  ExecutorOptions exec_options;
  exec_options.permission_mode = options.permission_mode;
  exec_options.isolate = options.isolate;
  exec_options.keep_workspaces = options.keep_workspaces;
  exec_options.workspace_root = ws_root;
  exec_options.check_environment = tools::child_environment(services.env);
  exec_options.check_timeout = options.check_timeout;
  exec_options.redactor = options.redactor;
  TaskExecutor executor(services.runner, check_runner, deadlines, exec_options);

  SchedulerOptions sched;
  sched.jobs = options.jobs;
  sched.isolate = options.isolate;
  sched.budget = options.budget;
  sched.spent = plan.recorded_spend;
  sched.rate_limit_pause = options.rate_limit_pause;
  sched.shard = options.shard.whole() ? std::string() : options.shard.to_string();
  sched.can_write = [&writes](const BatchTask& t) { return writes.at(t.id); };

  SchedulerReport report;
  {
    Progress progress(services.err, plan.to_run.size(), options.live_progress);
    Scheduler scheduler(executor, *writer, progress, sched);
    report = scheduler.run(plan.to_run, stop);
    progress.close();
  }

  if (made_ws_root) {
    std::error_code ec;
    if (options.keep_workspaces) {
      services.err << "workspaces kept in " << ws_root.string() << '\n';
    } else {
      fs::remove(ws_root, ec);  // only when empty: a task's copy is removed with the task
    }
  }

  SummaryInput summary;
  summary.tasks = plan.shard_tasks;
  summary.latest = plan.latest;
  for (const auto& record : report.records)
    summary.latest[record["id"].get<std::string>()] = record;
  summary.ran = report.records.size();
  if (report.budget_reached) {
    summary.not_started_budget = report.not_started.size();
  } else {
    summary.not_finished = report.not_started.size();
  }
  for (const auto& record : report.records)
    summary.spent.add_record(record);
  summary.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  summary.results_path = results.string();
  print_summary(services.out, summary);
  services.out.flush();

  if (report.journal_error) return tl::make_unexpected(*report.journal_error);
  if (report.interrupted) return kExitInterrupted;
  return count_statuses(summary).all_ok() ? kExitOk : kExitFailed;
}

}  // namespace agentry::batch
