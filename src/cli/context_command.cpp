// `agentry context [--agent NAME] [--json] [--full]`: what the model receives before the task —
// the system prompt's pieces (instructions files with their paths among them) and the tools —
// with an estimate of each one's tokens. The engine builds it as a run does (app/context_report).
#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/context_report.hpp"
#include "cli/commands.hpp"
#include "core/terminal_text.hpp"
#include "engine/context_budget.hpp"

namespace agentry::cli {

namespace {

using nlohmann::ordered_json;

ordered_json report_json(const app::ContextReport& report) {
  ordered_json out;
  out["agent"] = report.agent;
  out["cwd"] = report.cwd.string();
  out["chars_per_token"] = engine::ContextBudget::kStartCharsPerToken;
  out["system"] = ordered_json::array();
  for (const auto& piece : report.system) {
    ordered_json parts = ordered_json::array();
    for (const auto& part : piece.parts)
      parts.push_back({{"name", part.name}, {"detail", part.source}, {"tokens", part.tokens}});
    out["system"].push_back({{"name", piece.name},
                             {"source", piece.source},
                             {"tokens", piece.tokens},
                             {"parts", std::move(parts)},
                             {"text", piece.text}});
  }
  out["system_tokens"] = report.system_tokens;
  out["tools"] = ordered_json::array();
  for (const auto& tool : report.tools)
    out["tools"].push_back({{"name", tool.name},
                            {"tokens", tool.tokens},
                            {"schema", ordered_json::parse(tool.text, nullptr, false)}});
  out["tools_tokens"] = report.tools_tokens;
  out["total_tokens"] = report.total_tokens();
  out["warnings"] = report.warnings;
  return out;
}

/// One line: the name (indented), the tokens in a column, then where it comes from.
class Table {
 public:
  explicit Table(const app::ContextReport& report) {
    for (const auto& piece : report.system) {
      width_ = std::max(width_, 2 + piece.name.size());
      for (const auto& part : piece.parts)
        width_ = std::max(width_, 4 + part.name.size());
    }
    for (const auto& tool : report.tools)
      width_ = std::max(width_, 2 + tool.name.size());
  }

  std::string row(int indent, const std::string& name, std::int64_t tokens,
                  const std::string& note) const {
    std::string label = std::string(static_cast<std::size_t>(indent), ' ') + name;
    std::string line = fmt::format("{:<{}} {:>7}", terminal_safe_line(label), width_, tokens);
    if (!note.empty()) line += "  " + terminal_safe_line(note);
    return line + "\n";
  }

 private:
  std::size_t width_ = 24;
};

void print_report(const app::ContextReport& report, bool full) {
  std::cout << fmt::format(
      "What agent `{}` sends the model before the task, in {}\n(tokens estimated at {:g} "
      "characters a token; the provider's count differs)\n\n",
      terminal_safe_line(report.agent), terminal_safe_line(report.cwd.string()),
      engine::ContextBudget::kStartCharsPerToken);
  Table table(report);
  std::cout << table.row(0, "system prompt", report.system_tokens, "tokens");
  for (const auto& piece : report.system) {
    std::cout << table.row(2, piece.name, piece.tokens, piece.source);
    for (const auto& part : piece.parts)
      std::cout << table.row(4, part.name, part.tokens, part.source);
  }
  std::cout << table.row(0, fmt::format("tools ({})", report.tools.size()), report.tools_tokens,
                         "tokens");
  for (const auto& tool : report.tools)
    std::cout << table.row(2, tool.name, tool.tokens, "");
  std::cout << table.row(0, "total", report.total_tokens(), "tokens");
  if (!report.warnings.empty()) {
    std::cout << "\nwarnings:\n";
    for (const auto& warning : report.warnings)
      std::cout << "  " << terminal_safe_line(warning) << "\n";
  }
  if (!full) return;
  for (const auto& piece : report.system)
    std::cout << fmt::format("\n──── {} ────\n{}\n", terminal_safe_line(piece.name),
                             terminal_safe(piece.text));
}

}  // namespace

void set_context_command(CLI::App& app, app::Services& services) {
  auto* cmd = app.add_subcommand(
      "context",
      "Show what the model receives before the task: the system prompt's pieces (instructions "
      "files included) and the tools, with their token counts");
  auto agent = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto full = std::make_shared<bool>(false);
  cmd->add_option("--agent", *agent, "The agent (default: the default agent)");
  cmd->add_flag("--json", *json,
                "Print one JSON object, each piece's text and tool's schema in it");
  cmd->add_flag("--full", *full, "Also print each piece of the system prompt as sent");
  cmd->callback([&services, agent, json, full] {
    auto report = app::context_report(services, *agent);
    if (!report) throw CommandError(report.error());
    if (*json) {
      std::cout << report_json(*report).dump(2, ' ', false, ordered_json::error_handler_t::replace)
                << '\n';
    } else {
      print_report(*report, *full);
    }
  });
}

}  // namespace agentry::cli
