#include "batch/summary.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "batch/duration.hpp"
#include "batch/progress.hpp"
#include "batch/task_outcome.hpp"
#include "core/terminal_text.hpp"

namespace agentry::batch {

namespace {

using nlohmann::json;

struct Row {
  std::string id, status, turns = "-", duration = "-", cost = "-", check = "-", note;
};

std::string cut(std::string_view raw, std::size_t width) {
  std::string text = terminal_safe_line(raw);  // the task file's ids, the model's errors
  if (text.size() <= width) return text;
  text.resize(width > 3 ? width - 3 : width);
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
    text.pop_back();
  if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80)) text.pop_back();
  return text + "...";
}

Row make_row(const BatchTask& task, const json* record) {
  Row row;
  row.id = cut(task.id, 32);
  if (record == nullptr) {
    row.status = "not run";
    return row;
  }
  row.status = to_string(record_status(*record));
  row.turns = std::to_string(record->value("num_turns", 0));
  row.duration =
      format_duration(std::chrono::milliseconds(record->value("duration_ms", std::int64_t{0})));
  if (auto c = record->find("cost_usd"); c != record->end() && c->is_number()) {
    row.cost = fmt::format("${:.4f}", c->get<double>());
  }
  auto check = record->find("check");
  if (check != record->end() && check->is_object()) {
    row.check = check->value("passed", false) ? "passed" : "FAILED";
  }
  if (auto e = record->find("error"); e != record->end() && e->is_object()) {
    row.note = cut(e->value("message", std::string()), 60);
  } else if (check != record->end() && check->is_object() && !check->value("passed", true)) {
    for (const auto& c : (*check)["commands"]) {
      if (c.value("exit_code", -1) != 0 || c.value("timed_out", false)) {
        auto argv = c["command"].get<std::vector<std::string>>();
        row.note =
            cut(fmt::format("`{}` exited {}", fmt::join(argv, " "), c.value("exit_code", -1)), 60);
        break;
      }
    }
  }
  return row;
}

}  // namespace

SummaryCounts count_statuses(const SummaryInput& input) {
  SummaryCounts counts;
  for (const auto* task : input.tasks) {
    auto it = input.latest.find(task->id);
    if (it == input.latest.end()) {
      ++counts.missing;
      continue;
    }
    switch (record_status(it->second)) {
      case TaskStatus::kOk:
        ++counts.ok;
        break;
      case TaskStatus::kFailed:
        ++counts.failed;
        break;
      case TaskStatus::kTimeout:
        ++counts.timeout;
        break;
      case TaskStatus::kError:
        ++counts.error;
        break;
    }
  }
  return counts;
}

void print_summary(std::ostream& out, const SummaryInput& input, std::size_t max_rows) {
  bool only_problems = input.tasks.size() > max_rows;
  std::vector<Row> rows;
  std::size_t hidden = 0;
  for (const auto* task : input.tasks) {
    auto it = input.latest.find(task->id);
    const json* record = it == input.latest.end() ? nullptr : &it->second;
    bool ok = record != nullptr && record_status(*record) == TaskStatus::kOk;
    if ((only_problems && ok) || rows.size() >= max_rows) {
      ++hidden;
      continue;
    }
    rows.push_back(make_row(*task, record));
  }
  Row header{"ID", "STATUS", "TURNS", "DURATION", "COST", "CHECK", "NOTE"};
  std::size_t w_id = header.id.size(), w_status = header.status.size(),
              w_turns = header.turns.size(), w_duration = header.duration.size(),
              w_cost = header.cost.size(), w_check = header.check.size();
  for (const auto& r : rows) {
    w_id = std::max(w_id, r.id.size());
    w_status = std::max(w_status, r.status.size());
    w_turns = std::max(w_turns, r.turns.size());
    w_duration = std::max(w_duration, r.duration.size());
    w_cost = std::max(w_cost, r.cost.size());
    w_check = std::max(w_check, r.check.size());
  }
  auto print_row = [&](const Row& r) {
    std::string line = fmt::format("{:<{}}  {:<{}}  {:>{}}  {:>{}}  {:>{}}  {:<{}}  {}", r.id, w_id,
                                   r.status, w_status, r.turns, w_turns, r.duration, w_duration,
                                   r.cost, w_cost, r.check, w_check, r.note);
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << '\n';
  };
  if (!rows.empty()) {
    print_row(header);
    for (const auto& r : rows)
      print_row(r);
  }
  if (hidden > 0) {
    out << fmt::format("({} more task{} not listed{})\n", hidden, hidden == 1 ? "" : "s",
                       only_problems ? ": ok, or beyond the table" : "");
  }

  SummaryCounts c = count_statuses(input);
  out << fmt::format("\n{} task{}: ok {} · failed {} · timeout {} · error {}", input.tasks.size(),
                     input.tasks.size() == 1 ? "" : "s", c.ok, c.failed, c.timeout, c.error);
  if (c.missing > 0) out << fmt::format(" · not run {}", c.missing);
  out << '\n';
  out << fmt::format("this run: {} finished in {}", input.ran, format_duration(input.elapsed));
  if (input.not_started_budget > 0)
    out << fmt::format(", {} not started (budget reached)", input.not_started_budget);
  if (input.not_finished > 0)
    out << fmt::format(", {} not finished (interrupted; rerun to resume)", input.not_finished);
  out << fmt::format(" · {} tokens", short_count(input.spent.tokens));
  if (input.spent.cache_read_tokens > 0 || input.spent.cache_write_tokens > 0) {
    out << fmt::format(" ({} of them cache reads, {} cache writes)",
                       short_count(input.spent.cache_read_tokens),
                       short_count(input.spent.cache_write_tokens));
  }
  if (input.spent.usd > 0 || input.spent.unpriced == 0)
    out << fmt::format(" · ${:.4f}", input.spent.usd);
  if (input.spent.unpriced > 0)
    out << fmt::format(" ({} task{} without a known price)", input.spent.unpriced,
                       input.spent.unpriced == 1 ? "" : "s");
  out << '\n' << "results: " << input.results_path << '\n';
}

}  // namespace agentry::batch
