#include "tools/edit_check.hpp"

#include <algorithm>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "core/text.hpp"
#include "tools/cargo_diagnostics.hpp"
#include "tools/cargo_invocation.hpp"
#include "tools/executors.hpp"
#include "tools/file_walk.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

bool is_rust_file(const fs::path& path) {
  return path.extension() == ".rs";
}

/// The folder of the nearest Cargo.toml above `file`, within the workspace; empty when none.
fs::path package_of(const Workspace& ws, const fs::path& file) {
  std::error_code ec;
  for (fs::path dir = file.parent_path(); ws.contains(dir); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "Cargo.toml", ec)) return dir;
    if (dir == ws.root()) break;
  }
  return {};
}

/// The `.rs` files `calls` touched, absolute: the `path` of write_file and edit_file, and for
/// clippy_fix and rustfmt apply (which rewrite files across the crate) every `.rs` file of the
/// workspace modified since `since`.
std::set<fs::path> touched_files(const Workspace& ws, const std::vector<EditedCall>& calls,
                                 fs::file_time_type since) {
  std::set<fs::path> files;
  bool walk = false;
  for (const auto& call : calls) {
    if (call.tool == "write_file" || call.tool == "edit_file") {
      auto path = ws.resolve(call.arguments.value("path", std::string()));
      if (path && is_rust_file(*path)) files.insert(*path);
    } else if (call.tool == "clippy_fix" ||
               (call.tool == "rustfmt" &&
                call.arguments.value("mode", std::string("check")) == "apply")) {
      walk = true;
    }
  }
  if (walk) {
    // The kernel stamps files with a coarse clock, a tick behind the one `since` came from.
    auto after = since - std::chrono::seconds(1);
    walk_files(ws, ws.root(), [&](const fs::path& file, const std::string&) {
      std::error_code ec;
      if (is_rust_file(file) && fs::last_write_time(file, ec) >= after && !ec) files.insert(file);
      return true;
    });
  }
  return files;
}

/// True when plain `cargo check` would not compile (all of) `file` of `package`: a test,
/// example, bench or build script, or a source with unit tests. Those need --all-targets.
bool needs_all_targets(const Workspace& ws, const fs::path& package, const fs::path& file) {
  auto relative = file.lexically_relative(package);
  if (relative.empty() || *relative.begin() != "src") return true;
  auto text = read_workspace_file(ws, file, kMaxWholeFileBytes);
  return text && (text->find("#[cfg(test)]") != std::string::npos ||
                  text->find("#[test]") != std::string::npos);
}

std::string warning_key(const Diagnostic& d) {
  return fmt::format("{}\x1f{}\x1f{}", d.file, d.code, d.message);
}

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

std::string EditChecker::over_budget(const std::string& head) const {
  return fmt::format(
      "{}: skipped, it ran past its budget of {:g} s (check_after_edit_budget) and was stopped; "
      "call cargo_check to see the diagnostics",
      head, static_cast<double>(options_.budget.count()) / 1000.0);
}

std::string EditChecker::check(const std::string& session, const std::vector<EditedCall>& calls,
                               const ToolContext& context, fs::file_time_type since) {
  auto ws = Workspace::open(context.workspace);
  if (!ws) return {};
  auto files = touched_files(*ws, calls, since);
  std::map<fs::path, std::set<std::string>> packages;  // package folder -> touched files shown
  std::set<fs::path> all_targets;                      // packages that need --all-targets
  for (const auto& file : files) {
    auto package = package_of(*ws, file);
    if (package.empty()) continue;
    packages[package].insert(ws->display(file));
    if (needs_all_targets(*ws, package, file)) all_targets.insert(package);
  }
  if (packages.empty()) return {};

  auto start = Clock::now();
  auto deadline = start + options_.budget;
  std::string out;
  for (const auto& [package, shown] : packages) {
    std::string where =
        package == ws->root() ? std::string() : fmt::format(" of {}", ws->display(package));
    std::string head = fmt::format("\n\ncargo check{} after this edit", where);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= std::chrono::milliseconds(0)) {
      out += over_budget(head);
      continue;
    }
    ToolSpec spec;
    spec.schema.name = "cargo_check";
    spec.limits.timeout = left;
    std::vector<std::string> argv = {"cargo", "check", "--message-format=json", "--color", "never"};
    if (all_targets.count(package) > 0) argv.push_back("--all-targets");
    ProcessRequest request = cargo_request(services_, spec, *ws, package, argv);
    request.kill_grace = std::chrono::milliseconds(500);
    auto result = run_logged(services_, request, context.stop);
    if (!result) {
      if (context.stop.stop_requested()) return {};
      out += fmt::format("{}: could not run: {}", head, result.error().message);
      continue;
    }
    auto elapsed = fmt::format("{:.1f} s", static_cast<double>(result->elapsed.count()) / 1000.0);
    if (result->timed_out) {
      out += over_budget(head);
      continue;
    }
    if (result->term_signal != 0) {
      out += fmt::format("{}: cargo was killed by signal {}; call cargo_check", head,
                         result->term_signal);
      continue;
    }
    auto report = parse_cargo_messages(result->out.text, cargo_path_mapper(*ws, package));
    if (!report.build_success && result->exit_code != 0) {
      // A manifest or resolution problem: only stderr explains it.
      auto summary = cargo_stderr_summary(result->err.text, 600);
      out += fmt::format("{}: cargo failed before compiling (exit {}): {}", head, result->exit_code,
                         trim(summary));
      continue;
    }

    // Errors in the touched files (and those without a file), the new warnings in them.
    CargoReport shown_report;
    shown_report.build_success = report.build_success;
    std::size_t errors_elsewhere = 0;
    {
      std::lock_guard lock(mutex_);
      WarningCounts& seen = seen_[session];
      WarningCounts now;
      for (const auto& d : report.diagnostics) {
        bool touched = shown.count(d.file) > 0;
        if (d.level == "error") {
          if (touched || d.file.empty()) {
            shown_report.diagnostics.push_back(d);
          } else {
            ++errors_elsewhere;
          }
          continue;
        }
        int count = ++now[warning_key(d)];
        if (!touched) continue;
        if (count > seen[warning_key(d)]) shown_report.diagnostics.push_back(d);
      }
      for (const auto& [key, count] : now)
        seen[key] = std::max(seen[key], count);
    }

    std::size_t errors = shown_report.errors();
    std::size_t warnings = shown_report.warnings();
    if (errors + errors_elsewhere == 0 && warnings == 0) {
      if (report.warnings() == 0) {
        out += fmt::format("{} ({}): the crate checks clean", head, elapsed);
      } else {
        out += fmt::format("{} ({}): no errors ({}, none new in the edited files)", head, elapsed,
                           plural(report.warnings(), "warning"));
      }
      continue;
    }
    std::vector<std::string> counts;
    if (errors > 0) counts.push_back(plural(errors, "error"));
    if (warnings > 0) counts.push_back(plural(warnings, "new warning"));
    std::string line = fmt::format("{} ({}): ", head, elapsed);
    line += counts.empty() ? std::string("nothing new in the edited files")
                           : fmt::format("{} in the edited files", fmt::join(counts, ", "));
    if (errors_elsewhere > 0)
      line += fmt::format("; {} in other files (cargo_check shows them)",
                          plural(errors_elsewhere, "error"));
    out += line + "\n";
    if (!shown_report.diagnostics.empty())
      out += render_diagnostics(shown_report, options_.output_cap);
    while (out.ends_with('\n'))
      out.pop_back();
  }
  return out;
}

}  // namespace agentry::tools
