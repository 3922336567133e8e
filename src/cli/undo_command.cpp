// `agentry undo [SESSION] [--to TURN] [--force] [--list]`: puts back the files the agents'
// writing tool calls changed, from the snapshots in the session store (engine/undo.hpp).
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/terminal_text.hpp"
#include "core/text.hpp"

namespace agentry::cli {

namespace fs = std::filesystem;

namespace {

struct UndoOptions {
  std::string session;
  std::optional<std::int64_t> to;
  bool force = false;
  bool list = false;
};

template <class T>
T undo_or_throw(Result<T> result) {
  if (!result) throw CommandError(result.error());
  return std::move(*result);
}

std::string prompt_line(std::string_view text) {
  return std::string(trim(text.substr(0, text.find('\n'))));
}

void run_undo(app::Services& services, const UndoOptions& opts) {
  auto undo = undo_or_throw(services.undo());
  std::error_code ec;
  auto cwd = fs::weakly_canonical(services.context().cwd, ec).string();
  auto id = undo_or_throw(undo.session_for(opts.session, cwd));
  if (opts.list) {
    auto turns = undo_or_throw(undo.turns(id));
    std::string out;
    for (const auto& t : turns) {
      out += fmt::format("turn {}{}: {}\n", t.turn, t.undone ? " (undone)" : "",
                         prompt_line(t.prompt));
      for (const auto& f : t.files)
        out += fmt::format("    {}\n", f);
    }
    if (turns.empty()) out = fmt::format("session {} changed no files\n", id);
    std::cout << terminal_safe(out);
    return;
  }
  engine::UndoScope scope;
  if (opts.to) scope = {engine::UndoScope::Kind::kFromTurn, *opts.to};
  auto plan = undo_or_throw(undo.plan(id, scope));
  if (!plan.nothing.empty()) {
    std::cout << plan.nothing << '\n';
    return;
  }
  auto conflicts = plan.conflicts();
  undo_or_throw(undo.apply(plan, opts.force));
  std::string out;
  for (const auto& f : plan.files)
    out += fmt::format("{} {}{}\n", f.target ? "restored" : "deleted ", f.shown,
                       f.conflict ? " (overwriting changes made since)" : "");
  out += fmt::format("undid {} file change{} of {}; the conversation records it\n",
                     plan.change_ids.size(), plan.change_ids.size() == 1 ? "" : "s", plan.what);
  std::cout << terminal_safe(out);
}

}  // namespace

void set_undo_command(CLI::App& app, app::Services& services) {
  auto opts = std::make_shared<UndoOptions>();
  auto* cmd = app.add_subcommand(
      "undo", "Put back the files a session's agents changed (every change, or from turn --to on)");
  cmd->add_option("session", opts->session,
                  "Session id or a unique prefix (default: the latest session in this directory)");
  cmd->add_option("--to", opts->to,
                  "Undo the changes of turn TURN and every later turn (--list shows the turns)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--force", opts->force,
                "Overwrite files changed since the agent's change (otherwise a conflict refuses)");
  cmd->add_flag("--list", opts->list, "List the turns that changed files, and change nothing");
  cmd->callback([&services, opts] { run_undo(services, *opts); });
}

}  // namespace agentry::cli
