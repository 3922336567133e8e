#include "store/session_export.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/terminal_text.hpp"

namespace agentry::store {

namespace {

using nlohmann::json;

json optional_json(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

void write_line(std::ostream& out, const json& value) {
  out << value.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

std::string format_utc(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

/// A code fence longer than any run of backticks inside `content`, so the content cannot close it.
std::string fence_for(std::string_view content) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

void write_block(std::ostream& out, std::string_view language, std::string_view content) {
  std::string fence = fence_for(content);
  out << fence << language << '\n' << content;
  if (!content.empty() && content.back() != '\n') out << '\n';
  out << fence << "\n\n";
}

std::string format_cost(const std::optional<double>& cost) {
  return cost ? fmt::format("{}", *cost) : "–";
}

/// 41200 → "41,200".
std::string group_digits(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void write_header(std::ostream& out, const SessionInfo& s) {
  out << "# " << (s.title.empty() ? "(untitled session)" : s.title) << "\n\n";
  out << "| | |\n|---|---|\n";
  out << "| Session | `" << s.id << "` |\n";
  out << "| Agent | " << s.agent << " |\n";
  out << "| Model | " << s.model << " (" << s.provider << ") |\n";
  out << "| Directory | `" << s.cwd << "` |\n";
  out << "| Status | " << to_string(s.status) << " |\n";
  out << "| Started | " << format_utc(s.created_at_ms) << " |\n";
  out << "| Updated | " << format_utc(s.updated_at_ms) << " |\n";
  if (s.parent_id) {
    out << "| Parent | `" << *s.parent_id << "`";
    if (s.parent_tool_call_id) out << " (tool call `" << *s.parent_tool_call_id << "`)";
    out << " |\n";
  }
  out << '\n';
}

void write_message(std::ostream& out, const Message& m) {
  switch (m.role) {
    case Role::kUser:
      out << "## User\n\n";
      break;
    case Role::kAssistant:
      out << "## Assistant\n\n";
      break;
    case Role::kTool:
      out << "## Tool results\n\n";
      break;
  }
  // The model's reasoning, folded away: it is never the answer.
  for (const auto& t : m.thinking) {
    out << "<details>\n<summary>Thinking" << (t.text.empty() ? " (redacted)" : "")
        << "</summary>\n\n";
    if (!t.text.empty()) write_block(out, "text", t.text);
    out << "</details>\n\n";
  }
  if (!m.text.empty()) out << m.text << (m.text.back() == '\n' ? "\n" : "\n\n");
  for (const auto& call : m.tool_calls) {
    out << "**Tool call** `" << call.name << "` · `" << call.id << "`\n\n";
    // Arguments that failed to parse are shown as the model sent them.
    bool parsed = call.arguments.is_object() || call.raw_arguments.empty();
    write_block(out, "json",
                parsed ? call.arguments.dump(2, ' ', false, json::error_handler_t::replace)
                       : call.raw_arguments);
  }
  for (const auto& result : m.tool_results) {
    out << "<details>\n<summary>" << result.name << " · " << result.call_id
        << (result.is_error ? " — error" : "") << "</summary>\n\n";
    write_block(out, "text", result.content);
    out << "</details>\n\n";
  }
}

void write_usage(std::ostream& out, const std::vector<TurnRecord>& turns) {
  out << "## Usage\n\n";
  out << "| Turn | Input | Output | Cache read | Cache write | Cost (USD) |\n";
  out << "|---:|---:|---:|---:|---:|---:|\n";
  Usage total;
  std::optional<double> cost;
  for (const auto& t : turns) {
    const Usage& u = t.usage.tokens;
    out << fmt::format("| {} | {} | {} | {} | {} | {} |\n", t.turn, u.input_tokens, u.output_tokens,
                       u.cache_read_tokens, u.cache_write_tokens, format_cost(t.usage.cost_usd));
    total += u;
    if (t.usage.cost_usd) cost = cost.value_or(0.0) + *t.usage.cost_usd;
  }
  out << fmt::format("| **Total** | {} | {} | {} | {} | {} |\n", total.input_tokens,
                     total.output_tokens, total.cache_read_tokens, total.cache_write_tokens,
                     format_cost(cost));
}

/// The markdown as written, before terminal_safe.
void write_markdown_raw(std::ostream& out, const Transcript& transcript) {
  write_header(out, transcript.session);
  for_each_entry(
      transcript, [&](const StoredMessage& m) { write_message(out, m.message); },
      [&](const CompactionRecord& c) {
        out << "---\n\n*" << compaction_mark(c) << "*\n\n";
        if (c.how == "summarised" && !c.view.empty() && !c.view.front().text.empty()) {
          out << "<details>\n<summary>the summary the model went on from</summary>\n\n";
          write_block(out, "text", c.view.front().text);
          out << "</details>\n\n";
        }
      });
  if (transcript.session.result) {
    out << "## Result (" << to_string(transcript.session.status) << ")\n\n"
        << *transcript.session.result << "\n\n";
  }
  if (!transcript.children.empty()) {
    out << "## Subagents\n\n";
    for (const auto& c : transcript.children) {
      out << "- `" << c.id << "` " << c.agent << " — " << c.title << " (" << to_string(c.status)
          << ")\n";
    }
    out << '\n';
  }
  write_usage(out, transcript.turns);
}

}  // namespace

std::string compaction_mark(const CompactionRecord& compaction) {
  return fmt::format("— context compacted ({}): {} → {} tokens —", compaction.how,
                     group_digits(compaction.tokens_before), group_digits(compaction.tokens_after));
}

void write_jsonl(std::ostream& out, const Transcript& transcript) {
  const SessionInfo& s = transcript.session;
  json children = json::array();
  for (const auto& child : transcript.children)
    children.push_back(child.id);
  write_line(out, json{{"type", "session"},
                       {"version", kExportVersion},
                       {"id", s.id},
                       {"parent_id", optional_json(s.parent_id)},
                       {"parent_tool_call_id", optional_json(s.parent_tool_call_id)},
                       {"agent", s.agent},
                       {"model", s.model},
                       {"provider", s.provider},
                       {"cwd", s.cwd},
                       {"title", s.title},
                       {"status", to_string(s.status)},
                       {"result", optional_json(s.result)},
                       {"created_at_ms", s.created_at_ms},
                       {"updated_at_ms", s.updated_at_ms},
                       {"children", std::move(children)}});
  for_each_entry(
      transcript,
      [&](const StoredMessage& m) {
        json line = {{"type", "message"}, {"seq", m.seq}, {"turn", m.turn}};
        line.update(json(m.message));
        write_line(out, line);
      },
      [&](const CompactionRecord& c) {
        write_line(out, json{{"type", "compaction"},
                             {"index", c.index},
                             {"at_seq", c.at_seq},
                             {"how", c.how},
                             {"tokens_before", c.tokens_before},
                             {"tokens_after", c.tokens_after},
                             {"created_at_ms", c.created_at_ms},
                             {"view", c.view}});
      });
  for (const auto& t : transcript.turns) {
    json line = {{"type", "usage"},
                 {"turn", t.turn},
                 {"first_seq", t.first_seq},
                 {"message_count", t.message_count}};
    line.update(json(t.usage.tokens));
    line["cost_usd"] = t.usage.cost_usd ? json(*t.usage.cost_usd) : json(nullptr);
    line["created_at_ms"] = t.created_at_ms;
    write_line(out, line);
  }
}

std::string to_jsonl(const Transcript& transcript) {
  std::ostringstream out;
  write_jsonl(out, transcript);
  return out.str();
}

void write_markdown(std::ostream& out, const Transcript& transcript) {
  std::ostringstream raw;
  write_markdown_raw(raw, transcript);
  out << terminal_safe(raw.str());
}

std::string to_markdown(const Transcript& transcript) {
  std::ostringstream out;
  write_markdown(out, transcript);
  return out.str();
}

}  // namespace agentry::store
