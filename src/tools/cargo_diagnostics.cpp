#include "tools/cargo_diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "tools/capped_text.hpp"

namespace agentry::tools {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxSnippet = 80;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// False unless `j` is an object whose `key` is true: lines come from whatever cargo runs
/// (a rustc wrapper can print anything), so a wrong type is no reason to throw.
bool flag(const json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

int num(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

/// The span to show for `span`: macro expansions are followed back to the code the user wrote.
const json& user_span(const json& span) {
  const json* s = &span;
  for (int guard = 0; guard < 16; ++guard) {
    std::string file = str(*s, "file_name");
    auto exp = s->find("expansion");
    if (!file.starts_with('<') || exp == s->end() || !exp->is_object() || !exp->contains("span"))
      break;
    s = &(*exp)["span"];
  }
  return *s;
}

/// Byte offset of 1-based character column `column` in `line` (UTF-8).
std::size_t byte_of_column(std::string_view line, int column) {
  std::size_t i = 0;
  for (int c = 1; c < column && i < line.size(); ++c) {
    ++i;
    while (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80)
      ++i;
  }
  return i;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::string clip(std::string s) {
  if (s.size() > kMaxSnippet) s = s.substr(0, kMaxSnippet - 3) + "...";
  return s;
}

bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

int bracket_balance(std::string_view s) {
  int b = 0;
  for (char c : s)
    b += (c == '(' || c == '[' || c == '{') ? 1 : (c == ')' || c == ']' || c == '}') ? -1 : 0;
  return b;
}

/// "`old` -> `new`" for the part of a line that changes: the common prefix and suffix are
/// dropped, widened back to whole identifiers and numbers and to balanced brackets, so the
/// model sees `nth(0)` -> `next()` rather than a cut token.
std::string changed_part(const std::string& before, const std::string& after) {
  std::size_t pre = 0;
  while (pre < before.size() && pre < after.size() && before[pre] == after[pre])
    ++pre;
  std::size_t suf = 0;
  while (suf < before.size() - pre && suf < after.size() - pre &&
         before[before.size() - 1 - suf] == after[after.size() - 1 - suf])
    ++suf;
  auto in_token = [&](std::size_t i) {
    char c = before[i];
    if (is_word(c) || (static_cast<unsigned char>(c) & 0xC0) == 0x80) return true;
    return c == '.' && i > 0 && std::isdigit(static_cast<unsigned char>(before[i - 1]));
  };
  while (pre > 0 && in_token(pre - 1))
    --pre;
  while (suf > 0 && in_token(before.size() - suf))
    --suf;
  auto old_mid = [&] { return std::string_view(before).substr(pre, before.size() - pre - suf); };
  auto new_mid = [&] { return std::string_view(after).substr(pre, after.size() - pre - suf); };
  while (suf > 0 && (bracket_balance(old_mid()) > 0 || bracket_balance(new_mid()) > 0))
    --suf;
  while (pre > 0 && (bracket_balance(old_mid()) < 0 || bracket_balance(new_mid()) < 0))
    --pre;
  return fmt::format("`{}` -> `{}`", clip(trim(old_mid())), clip(trim(new_mid())));
}

/// "`old` -> `new`" per affected line when the edits are single-line and the line text is known.
std::string preview_of(const std::vector<std::pair<TextEdit, std::string>>& edits) {
  std::map<std::pair<std::string, int>, std::vector<const std::pair<TextEdit, std::string>*>>
      by_line;
  bool simple = true;
  for (const auto& e : edits) {
    if (e.first.line_start != e.first.line_end || e.second.empty()) simple = false;
    by_line[{e.first.file, e.first.line_start}].push_back(&e);
  }
  if (!simple) {
    if (edits.size() == 1)
      return fmt::format("replace lines {}-{} with `{}`", edits[0].first.line_start,
                         edits[0].first.line_end, clip(trim(edits[0].first.replacement)));
    return fmt::format("{} edits", edits.size());
  }
  std::vector<std::string> parts;
  for (auto& [where, list] : by_line) {
    std::string line = list.front()->second;
    std::string updated = line;
    std::sort(list.begin(), list.end(),
              [](auto* a, auto* b) { return a->first.column_start > b->first.column_start; });
    for (const auto* e : list) {
      std::size_t from = byte_of_column(line, e->first.column_start);
      std::size_t to = byte_of_column(line, e->first.column_end);
      if (to < from || to > updated.size()) return fmt::format("{} edits", edits.size());
      updated.replace(from, to - from, e->first.replacement);
    }
    std::string part = changed_part(line, updated);
    if (by_line.size() > 1) part = fmt::format("line {}: {}", where.second, part);
    parts.push_back(std::move(part));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

/// A child that only repeats what the lint name already says.
bool is_boilerplate(const std::string& level, const std::string& message) {
  if (message.starts_with("for further information visit")) return true;
  if (level == "note" && (message.find("on by default") != std::string::npos ||
                          message.find("implied by `-D warnings`") != std::string::npos ||
                          message.find("implied by `-W") != std::string::npos ||
                          message.starts_with("the lint level is defined")))
    return true;
  return false;
}

std::optional<Diagnostic> parse_diagnostic(const json& msg, const PathMapper& map_path) {
  std::string level = str(msg, "level");
  if (level == "error: internal compiler error") level = "error";
  if (level != "error" && level != "warning") return std::nullopt;
  Diagnostic d;
  d.level = level;
  d.message = str(msg, "message");
  if (auto code = msg.find("code"); code != msg.end() && code->is_object())
    d.code = str(*code, "code");
  auto map = [&](const std::string& f) { return map_path ? map_path(f) : f; };
  const json empty = json::array();
  const json& spans = msg.contains("spans") && msg["spans"].is_array() ? msg["spans"] : empty;
  if (spans.empty() && d.code.empty() &&
      (d.message.ends_with("warnings emitted") || d.message.ends_with("warning emitted") ||
       d.message.starts_with("aborting due to")))
    return std::nullopt;
  bool have_primary = false;
  for (const auto& raw : spans) {
    const json& span = user_span(raw);
    bool primary = flag(raw, "is_primary");
    if (primary && !have_primary) {
      have_primary = true;
      d.file = map(str(span, "file_name"));
      d.line = num(span, "line_start");
      d.column = num(span, "column_start");
      d.label = str(raw, "label");
    } else if (!str(raw, "label").empty()) {
      d.related.push_back({map(str(span, "file_name")), num(span, "line_start"),
                           num(span, "column_start"), str(raw, "label")});
    }
  }
  if (auto children = msg.find("children"); children != msg.end() && children->is_array()) {
    for (const auto& child : *children) {
      std::string child_level = str(child, "level");
      std::string child_message = str(child, "message");
      std::vector<std::pair<TextEdit, std::string>> edits;
      bool machine = false;
      if (auto cs = child.find("spans"); cs != child.end() && cs->is_array()) {
        for (const auto& span : *cs) {
          if (!span.contains("suggested_replacement") || !span["suggested_replacement"].is_string())
            continue;
          if (str(span, "suggestion_applicability") != "MachineApplicable") continue;
          machine = true;
          TextEdit e{map(str(span, "file_name")), num(span, "line_start"),
                     num(span, "column_start"),   num(span, "line_end"),
                     num(span, "column_end"),     span["suggested_replacement"].get<std::string>()};
          std::string line_text;
          if (auto text = span.find("text");
              text != span.end() && text->is_array() && !text->empty())
            line_text = str((*text)[0], "text");
          edits.emplace_back(std::move(e), std::move(line_text));
        }
      }
      if (machine && !d.fix) {
        Fix fix;
        fix.message = child_message;
        for (const auto& e : edits)
          fix.edits.push_back(e.first);
        fix.preview = preview_of(edits);
        d.fix = std::move(fix);
      } else if (!machine && !is_boilerplate(child_level, child_message) &&
                 !child_message.empty()) {
        d.notes.push_back(child_level + ": " + child_message);
      }
    }
  }
  return d;
}

int level_rank(const std::string& level) {
  return level == "error" ? 0 : 1;
}

}  // namespace

std::size_t CargoReport::errors() const {
  return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                [](const auto& d) { return d.level == "error"; }));
}

std::size_t CargoReport::warnings() const {
  return diagnostics.size() - errors();
}

std::size_t CargoReport::fixable() const {
  return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                [](const auto& d) { return d.fix.has_value(); }));
}

CargoReport parse_cargo_messages(std::string_view text, const PathMapper& map_path) {
  CargoReport report;
  std::set<std::tuple<std::string, std::string, std::string, std::string, int, int>> seen;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with('{') || json_too_deep(line)) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    std::string reason = str(j, "reason");
    if (reason == "build-finished") {
      report.build_success = flag(j, "success");
    } else if (reason == "compiler-message" && j.contains("message") && j["message"].is_object()) {
      auto d = parse_diagnostic(j["message"], map_path);
      if (!d) continue;
      if (!seen.emplace(d->level, d->code, d->message, d->file, d->line, d->column).second) {
        ++report.duplicates;
        continue;
      }
      report.diagnostics.push_back(std::move(*d));
    }
  }
  std::stable_sort(report.diagnostics.begin(), report.diagnostics.end(),
                   [](const auto& a, const auto& b) {
                     return std::make_tuple(level_rank(a.level), a.file, a.line, a.column) <
                            std::make_tuple(level_rank(b.level), b.file, b.line, b.column);
                   });
  return report;
}

std::string render_diagnostics(const CargoReport& report, std::size_t budget) {
  // Group by (level, code, message) in the sorted order, so a lint hit 9 times costs one header.
  std::vector<std::vector<const Diagnostic*>> groups;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;
  for (const auto& d : report.diagnostics) {
    auto key = std::make_tuple(d.level, d.code, d.message);
    auto [it, fresh] = index.emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(&d);
  }
  std::string out;
  std::size_t shown = 0;
  bool full = false;
  for (const auto& group : groups) {
    const Diagnostic& first = *group.front();
    std::string header = first.code.empty()
                             ? fmt::format("{}: {}", first.level, first.message)
                             : fmt::format("{}[{}]: {}", first.level, first.code, first.message);
    if (group.size() > 1) header += fmt::format(" ({}x)", group.size());
    header += '\n';
    std::size_t header_at = out.size();
    out += header;
    for (const Diagnostic* d : group) {
      std::string entry = d->file.empty() ? "  (no location)"
                                          : fmt::format("  {}:{}:{}", d->file, d->line, d->column);
      if (!d->label.empty()) entry += " " + d->label;
      if (d->fix) entry += " fix: " + d->fix->preview;
      entry += '\n';
      if (d->level == "error") {
        for (const auto& r : d->related)
          entry += fmt::format("    {}:{}:{} {}\n", r.file, r.line, r.column, r.label);
        for (const auto& n : d->notes)
          entry += fmt::format("    {}\n", n);
      }
      if (out.size() + entry.size() > budget) {
        if (d == group.front()) out.resize(header_at);  // no header without a location under it
        full = true;
        break;
      }
      out += entry;
      ++shown;
    }
    if (full) break;
  }
  if (shown < report.diagnostics.size()) {
    std::size_t errors = 0;
    for (std::size_t i = shown; i < report.diagnostics.size(); ++i)
      errors += report.diagnostics[i].level == "error" ? 1 : 0;
    out += fmt::format(
        "[... {} more not shown: {} errors, {} warnings; fix the ones above and run again]\n",
        report.diagnostics.size() - shown, errors, report.diagnostics.size() - shown - errors);
  }
  return valid_utf8(out);
}

json to_json(const Diagnostic& d) {
  json j = {{"level", d.level}, {"code", d.code},     {"message", d.message}, {"file", d.file},
            {"line", d.line},   {"column", d.column}, {"label", d.label}};
  j["related"] = json::array();
  for (const auto& r : d.related)
    j["related"].push_back(
        {{"file", r.file}, {"line", r.line}, {"column", r.column}, {"label", r.label}});
  j["notes"] = d.notes;
  if (d.fix) {
    json edits = json::array();
    for (const auto& e : d.fix->edits)
      edits.push_back({{"file", e.file},
                       {"line_start", e.line_start},
                       {"column_start", e.column_start},
                       {"line_end", e.line_end},
                       {"column_end", e.column_end},
                       {"replacement", e.replacement}});
    j["fix"] = {{"message", d.fix->message}, {"preview", d.fix->preview}, {"edits", edits}};
  } else {
    j["fix"] = nullptr;
  }
  return j;
}

std::string rendered_text(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with('{') || json_too_deep(line)) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || str(j, "reason") != "compiler-message") continue;
    out += str(j["message"], "rendered");
  }
  return out;
}

}  // namespace agentry::tools
