// `agentry sessions list|show|export`: what earlier runs did, from the SQLite session store.
// Read-only: a missing store is "no sessions", never created here.
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/event_printer.hpp"
#include "core/terminal_text.hpp"
#include "store/session_export.hpp"
#include "store/session_store.hpp"

namespace agentry::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct SessionsOptions {
  bool all = false;
  bool as_json = false;
  std::size_t limit = 20;
  std::string id;
  std::string format = "jsonl";
  std::string output;
};

fs::path store_path(app::Services& services) {
  auto settings = services.settings();
  if (!settings) throw CommandError(settings.error());
  return (*settings)->session_db.value;
}

/// The store, or null when no run has created it yet.
store::SessionStore* open_existing_store(app::Services& services) {
  auto opened = services.existing_session_store();
  if (!opened) throw CommandError(opened.error());
  return *opened;
}

template <class T>
T value_or_throw(Result<T> result) {
  if (!result) throw CommandError(result.error());
  return std::move(*result);
}

/// The full id for `prefix`, or a not-found error naming the store.
std::string resolve(const store::SessionStore* db, app::Services& services,
                    const std::string& prefix) {
  if (db == nullptr) {
    throw CommandError(Error(ErrorCode::kNotFound, "no sessions yet", store_path(services).string(),
                             "run `agentry run TASK` first"));
  }
  return value_or_throw(db->resolve_id(prefix));
}

/// Cuts `text`, made safe for a terminal (a CR is a line end), to its first line and at most
/// `width` bytes at a UTF-8 boundary, with "…".
std::string one_line(std::string_view raw, std::size_t width) {
  std::string safe = terminal_safe(raw);
  std::string_view text = safe;
  auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "";
  text.remove_prefix(start);
  bool cut = false;
  if (auto nl = text.find('\n'); nl != std::string_view::npos) {
    text = text.substr(0, nl);
    cut = true;
  }
  if (text.size() > width) {
    std::size_t end = width;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    text = text.substr(0, end);
    cut = true;
  }
  return cut ? std::string(text) + "…" : std::string(text);
}

std::string format_age(std::int64_t updated_at_ms) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto s = std::max<std::int64_t>(0, (now - updated_at_ms) / 1000);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m", s / 60);
  if (s < 48 * 3600) return fmt::format("{}h", s / 3600);
  return fmt::format("{}d", s / 86400);
}

std::string format_cost(const std::optional<double>& cost) {
  return cost ? fmt::format("${:.4f}", *cost) : "-";
}

/// " · 3,000 cache read / 400 cache write" when the turns touched a prompt cache, else "".
std::string cache_part(const Usage& u) {
  if (u.cache_read_tokens == 0 && u.cache_write_tokens == 0) return "";
  return fmt::format(" · {} cache read / {} cache write", u.cache_read_tokens,
                     u.cache_write_tokens);
}

json compaction_json(const store::CompactionRecord& c) {
  return {{"index", c.index},
          {"at_seq", c.at_seq},
          {"how", c.how},
          {"tokens_before", c.tokens_before},
          {"tokens_after", c.tokens_after},
          {"created_at_ms", c.created_at_ms},
          {"view_messages", c.view.size()}};
}

json usage_json(const store::UsageTotals& u) {
  return {{"sessions", u.sessions},
          {"turns", u.turns},
          {"input_tokens", u.tokens.input_tokens},
          {"output_tokens", u.tokens.output_tokens},
          {"cache_read_tokens", u.tokens.cache_read_tokens},
          {"cache_write_tokens", u.tokens.cache_write_tokens},
          {"cost_usd", u.cost_usd ? json(*u.cost_usd) : json(nullptr)},
          {"unpriced_turns", u.unpriced_turns}};
}

json info_json(const store::SessionInfo& s) {
  return {{"id", s.id},
          {"parent_id", s.parent_id ? json(*s.parent_id) : json(nullptr)},
          {"agent", s.agent},
          {"model", s.model},
          {"provider", s.provider},
          {"cwd", s.cwd},
          {"title", s.title},
          {"status", store::to_string(s.status)},
          {"result", s.result ? json(*s.result) : json(nullptr)},
          {"created_at_ms", s.created_at_ms},
          {"updated_at_ms", s.updated_at_ms}};
}

void list_sessions(app::Services& services, const SessionsOptions& opts) {
  const auto& ctx = services.context();
  auto* db = open_existing_store(services);
  store::SessionFilter filter;
  filter.roots_only = true;
  filter.limit = opts.limit;
  std::error_code ec;
  if (!opts.all) filter.cwd = fs::weakly_canonical(ctx.cwd, ec).string();
  std::vector<store::SessionInfo> sessions;
  if (db) sessions = value_or_throw(db->list_sessions(filter));

  if (opts.as_json) {
    json out = json::array();
    for (const auto& s : sessions) {
      auto own = value_or_throw(db->session_usage(s.id));
      auto tree = value_or_throw(db->tree_usage(s.id));
      auto j = info_json(s);
      j["turns"] = own.turns;
      j["usage"] = usage_json(tree);
      j["total_cost_usd"] = tree.cost_usd ? json(*tree.cost_usd) : json(nullptr);
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  if (sessions.empty()) {
    std::cout << (opts.all ? "No sessions yet.\n"
                           : fmt::format("No sessions in {} (--all lists every directory).\n",
                                         ctx.cwd.string()));
    return;
  }
  // Titles, agents and folders come from sessions, and so from models and repositories: the
  // table is shown as terminal-safe text.
  std::ostringstream table;
  table << fmt::format("{:<26}  {:<14} {:<9} {:>5} {:>9} {:>9} {:>4}  {}\n", "ID", "AGENT",
                       "STATUS", "TURNS", "TOKENS", "COST", "AGE",
                       opts.all ? "TITLE (DIRECTORY)" : "TITLE");
  for (const auto& s : sessions) {
    auto own = value_or_throw(db->session_usage(s.id));
    auto tree = value_or_throw(db->tree_usage(s.id));
    std::string title = one_line(s.title, 60);
    if (opts.all) title += fmt::format(" ({})", s.cwd);
    table << fmt::format("{:<26}  {:<14} {:<9} {:>5} {:>9} {:>9} {:>4}  {}\n", s.id, s.agent,
                         store::to_string(s.status), own.turns,
                         tree.tokens.input_tokens + tree.tokens.output_tokens,
                         format_cost(tree.cost_usd), format_age(s.updated_at_ms), title);
  }
  std::cout << terminal_safe(table.str());
}

/// The agent tree under `id`, as JSON nodes and as indented text lines.
json children_tree(const store::SessionStore& db, const std::string& id, int depth,
                   std::string& text) {
  json nodes = json::array();
  for (const auto& child : value_or_throw(db.children(id))) {
    auto own = value_or_throw(db.session_usage(child.id));
    text += fmt::format("{}└─ {} {} {} · {} turns · {} tokens\n", std::string(2 * depth, ' '),
                        child.agent, child.id, store::to_string(child.status), own.turns,
                        own.tokens.input_tokens + own.tokens.output_tokens);
    auto j = info_json(child);
    j["parent_tool_call_id"] = child.parent_tool_call_id.value_or("");
    j["turns"] = own.turns;
    j["usage"] = usage_json(own);
    j["children"] = children_tree(db, child.id, depth + 1, text);
    nodes.push_back(std::move(j));
  }
  return nodes;
}

/// The call with its key arguments (path, command…; not the bulky content), so that the target
/// shows however long the rest is.
std::string call_summary(const ToolCall& call) {
  std::string args =
      call.arguments.is_null() ? call.raw_arguments : summarise_arguments(call.arguments, 200);
  return fmt::format("{}({})", call.name, one_line(args, 70));
}

std::string usage_line(const store::UsageTotals& u) {
  return fmt::format("{} turns · {} input / {} output tokens{} · cost {}{}", u.turns,
                     u.tokens.input_tokens, u.tokens.output_tokens, cache_part(u.tokens),
                     format_cost(u.cost_usd),
                     u.unpriced_turns > 0 && u.cost_usd
                         ? fmt::format(" (+{} turns without a price)", u.unpriced_turns)
                         : "");
}

void show_session(app::Services& services, const SessionsOptions& opts) {
  auto* db = open_existing_store(services);
  auto id = resolve(db, services, opts.id);
  auto transcript = value_or_throw(db->load_transcript(id));
  auto own = value_or_throw(db->session_usage(id));
  auto tree = value_or_throw(db->tree_usage(id));
  const auto& s = transcript.session;
  std::string tree_text;
  json children = children_tree(*db, id, 0, tree_text);

  if (opts.as_json) {
    json messages = json::array();
    for (const auto& m : transcript.messages) {
      json calls = json::array();
      for (const auto& c : m.message.tool_calls)
        calls.push_back({{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}});
      json results = json::array();
      for (const auto& r : m.message.tool_results)
        results.push_back({{"call_id", r.call_id}, {"name", r.name}, {"is_error", r.is_error}});
      messages.push_back({{"seq", m.seq},
                          {"turn", m.turn},
                          {"role", to_string(m.message.role)},
                          {"text", m.message.text},
                          {"tool_calls", std::move(calls)},
                          {"tool_results", std::move(results)}});
    }
    auto j = info_json(s);
    j["parent_tool_call_id"] = s.parent_tool_call_id.value_or("");
    j["messages"] = std::move(messages);
    json compactions = json::array();
    for (const auto& c : transcript.compactions)
      compactions.push_back(compaction_json(c));
    j["compactions"] = std::move(compactions);
    j["children"] = std::move(children);
    j["usage"] = {{"session", usage_json(own)}, {"total", usage_json(tree)}};
    std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }

  // Everything below comes from the session (the model's text, tools' output, names from agent
  // files): shown as terminal-safe text.
  std::ostringstream out;
  out << fmt::format("session {} · {} · {}\n", s.id, s.agent, store::to_string(s.status));
  out << fmt::format("title:     {}\n", one_line(s.title, 200));
  out << fmt::format("model:     {} ({})\n", s.model, s.provider);
  out << fmt::format("directory: {}\n", s.cwd);
  out << fmt::format("updated:   {} ago\n", format_age(s.updated_at_ms));
  if (s.parent_id) out << fmt::format("parent:    {}\n", *s.parent_id);
  out << fmt::format("\ntranscript ({} messages)\n", transcript.messages.size());
  store::for_each_entry(
      transcript,
      [&](const store::StoredMessage& m) {
        const auto& msg = m.message;
        if (!msg.text.empty() || (msg.tool_calls.empty() && msg.tool_results.empty()))
          out << fmt::format("  {:<9} {}\n", to_string(msg.role), one_line(msg.text, 100));
        for (const auto& c : msg.tool_calls)
          out << fmt::format("  {:<9} → {}\n", to_string(msg.role), call_summary(c));
        for (const auto& r : msg.tool_results)
          out << fmt::format("  {:<9} {} {}: {}\n", to_string(msg.role), r.is_error ? "✗" : "✓",
                             r.name, one_line(r.content, 90));
      },
      [&](const store::CompactionRecord& c) {
        out << fmt::format("  {}\n", store::compaction_mark(c));
      });
  if (s.result) out << fmt::format("\nresult: {}\n", one_line(*s.result, 200));
  if (!tree_text.empty()) out << fmt::format("\nsubagents\n{}", tree_text);
  out << fmt::format("\nusage\n  this session:   {}\n", usage_line(own));
  if (tree.sessions > 1)
    out << fmt::format("  with {} subagent session{}: {}\n", tree.sessions - 1,
                       tree.sessions == 2 ? "" : "s", usage_line(tree));
  std::cout << terminal_safe(out.str());
}

void export_session(app::Services& services, const SessionsOptions& opts) {
  auto* db = open_existing_store(services);
  auto id = resolve(db, services, opts.id);
  auto transcript = value_or_throw(db->load_transcript(id));
  auto text = opts.format == "jsonl" ? store::to_jsonl(transcript) : store::to_markdown(transcript);
  if (opts.output.empty() || opts.output == "-") {
    std::cout << text;
    std::cout.flush();
    return;
  }
  std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    throw CommandError(Error(ErrorCode::kIo, "cannot write the export", opts.output,
                             "check that the folder exists and is writable"));
  }
}

}  // namespace

void set_sessions_command(CLI::App& app, app::Services& services) {
  auto opts = std::make_shared<SessionsOptions>();
  auto* cmd = app.add_subcommand("sessions", "List, show and export earlier runs");
  cmd->require_subcommand(1);

  auto* list = cmd->add_subcommand(
      "list", "Top-level sessions of this directory, most recent first (--all: every directory)");
  list->add_flag("--all", opts->all, "Sessions of every directory");
  list->add_flag("--json", opts->as_json, "Print JSON instead of a table");
  list->add_option("--limit,-n", opts->limit, "At most N sessions (default 20)")
      ->check(CLI::PositiveNumber);
  list->callback([&services, opts] { list_sessions(services, *opts); });

  auto* show = cmd->add_subcommand(
      "show", "A session's transcript summary, its subagent tree and its usage");
  show->add_option("id", opts->id, "Session id or a unique prefix of it")->required();
  show->add_flag("--json", opts->as_json, "Print JSON instead of text");
  show->callback([&services, opts] { show_session(services, *opts); });

  auto* exp = cmd->add_subcommand("export", "Write a session's full transcript");
  exp->add_option("id", opts->id, "Session id or a unique prefix of it")->required();
  exp->add_option("--format,-f", opts->format, "jsonl (default) | markdown")
      ->check(CLI::IsMember({"jsonl", "markdown"}));
  exp->add_option("--output,-o", opts->output, "Write to FILE instead of standard output");
  exp->callback([&services, opts] { export_session(services, *opts); });
}

}  // namespace agentry::cli
