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

/// The lengths of the common prefix and (not overlapping it) common suffix of two lines.
std::pair<std::size_t, std::size_t> common_ends(std::string_view before, std::string_view after) {
  std::size_t pre = 0;
  while (pre < before.size() && pre < after.size() && before[pre] == after[pre])
    ++pre;
  std::size_t suf = 0;
  while (suf < before.size() - pre && suf < after.size() - pre &&
         before[before.size() - 1 - suf] == after[after.size() - 1 - suf])
    ++suf;
  return {pre, suf};
}

/// "`old` -> `new`" for the part of a line that changes: the common prefix and suffix are
/// dropped, widened back to whole identifiers and numbers and to balanced brackets, so the
/// model sees `nth(0)` -> `next()` rather than a cut token.
std::string changed_part(const std::string& before, const std::string& after) {
  auto [pre, suf] = common_ends(before, after);
  auto in_token = [&](std::size_t i) {
    char c = before[i];
    if (is_word(c) || (static_cast<unsigned char>(c) & 0xC0) == 0x80) return true;
    if (c == '\'' && i + 1 < before.size() && is_word(before[i + 1])) return true;  // 'a
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

constexpr std::size_t kMaxShownLine = 64;  ///< a fixed line longer than this is windowed
constexpr std::size_t kShownContext = 20;  ///< bytes kept either side of the change
constexpr std::size_t kMaxDiffLines = 6;   ///< per side of a multi-line suggestion
constexpr std::size_t kMaxHunks = 4;       ///< places of one suggestion spelled out
constexpr int kMaxLine = 100000000;        ///< above any real source file's line count

/// One replacement with the source lines cargo quoted for it (`spans[].text[]`).
struct SpanEdit {
  TextEdit edit;
  std::map<int, std::string> lines;  ///< line number -> the line's text
};

std::string rtrim(std::string_view s) {
  auto e = s.find_last_not_of(" \t\r");
  return e == std::string_view::npos ? std::string() : std::string(s.substr(0, e + 1));
}

/// `code` as Markdown inline code: a longer fence when it holds backticks, so a doc comment
/// with `HashMap` in it does not read as two snippets.
std::string code_span(std::string_view code) {
  std::size_t run = 0;
  std::size_t longest = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  if (longest == 0) return fmt::format("`{}`", code);
  std::string fence(longest + 1, '`');
  return fmt::format("{} {} {}", fence, code, fence);
}

/// `after` (a fixed line, trimmed) cut to a window around what differs from `before`, only at
/// spaces so no token is cut; "..." marks what was left out.
std::string window(const std::string& before, const std::string& after) {
  if (after.size() <= kMaxShownLine) return after;
  auto [pre, suf] = common_ends(before, after);
  std::size_t from = pre > kShownContext ? pre - kShownContext : 0;
  std::size_t to = std::min(after.size(), after.size() - suf + kShownContext);
  if (before == after) {  // nothing to centre on: the start
    from = 0;
    to = kMaxShownLine;
  }
  while (from > 0 && after[from - 1] != ' ')
    --from;
  while (to < after.size() && after[to] != ' ')
    ++to;
  std::string out = from > 0 ? "... " : "";
  out += trim(std::string_view(after).substr(from, to - from));
  if (to < after.size()) out += " ...";
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto end = text.find('\n', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

/// The lines one or more overlapping edits change, before and after.
struct Hunk {
  std::string file;
  int first = 0;  ///< line number of before[0]
  std::vector<std::string> before;
  std::vector<std::string> after;
};

std::optional<Hunk> hunk_of(const std::vector<const SpanEdit*>& cluster) {
  Hunk h;
  h.file = cluster.front()->edit.file;
  h.first = cluster.front()->edit.line_start;
  int last = h.first;
  std::map<int, std::string> text;
  for (const auto* e : cluster) {
    // Not a span cargo gives: reversed, or lines no source file has.
    if (e->edit.line_end < e->edit.line_start || e->edit.line_start < 1 ||
        e->edit.line_end >= kMaxLine)
      return std::nullopt;
    h.first = std::min(h.first, e->edit.line_start);
    last = std::max(last, e->edit.line_end);
    text.insert(e->lines.begin(), e->lines.end());
  }
  std::vector<std::size_t> offset;
  std::string joined;
  for (int l = h.first; l <= last; ++l) {
    auto it = text.find(l);
    if (it == text.end()) return std::nullopt;
    if (l > h.first) joined += '\n';
    offset.push_back(joined.size());
    joined += it->second;
    h.before.push_back(it->second);
  }
  auto at = [&](int line, int column) {
    auto i = static_cast<std::size_t>(line - h.first);
    return offset[i] + byte_of_column(h.before[i], column);
  };
  std::vector<const SpanEdit*> order = cluster;
  std::sort(order.begin(), order.end(), [](const SpanEdit* a, const SpanEdit* b) {
    return std::tie(a->edit.line_start, a->edit.column_start) >
           std::tie(b->edit.line_start, b->edit.column_start);
  });
  std::size_t limit = joined.size();
  for (const auto* e : order) {
    std::size_t from = at(e->edit.line_start, e->edit.column_start);
    std::size_t to = at(e->edit.line_end, e->edit.column_end);
    if (to < from || to > limit) return std::nullopt;  // overlapping or out of the quoted text
    joined.replace(from, to - from, e->edit.replacement);
    limit = from;
  }
  h.after = split_lines(joined);
  // Keep only the lines that change (a removed `use` line quotes the next line too).
  while (!h.before.empty() && !h.after.empty() && rtrim(h.before.back()) == rtrim(h.after.back()) &&
         (h.before.size() > 1 || h.after.size() > 1)) {
    h.before.pop_back();
    h.after.pop_back();
  }
  while (!h.before.empty() && !h.after.empty() &&
         rtrim(h.before.front()) == rtrim(h.after.front()) &&
         (h.before.size() > 1 || h.after.size() > 1)) {
    h.before.erase(h.before.begin());
    h.after.erase(h.after.begin());
    ++h.first;
  }
  return h;
}

/// `- old` / `+ new` lines with their common indentation removed, each side capped.
std::vector<std::string> diff_lines(const Hunk& h, const std::optional<std::string>& context) {
  std::vector<std::pair<char, std::string>> rows;
  auto add = [&](char mark, const std::vector<std::string>& lines) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i == kMaxDiffLines) {
        rows.emplace_back('.', fmt::format("... {} more lines", lines.size() - i));
        break;
      }
      rows.emplace_back(mark, rtrim(lines[i]));
    }
  };
  add('-', h.before);
  add('+', h.after);
  if (context) rows.emplace_back(' ', rtrim(*context));
  std::size_t indent = std::string::npos;
  for (const auto& [mark, line] : rows)
    if (mark != '.' && !line.empty()) indent = std::min(indent, line.find_first_not_of(" \t"));
  if (indent == std::string::npos) indent = 0;
  std::vector<std::string> out;
  for (const auto& [mark, line] : rows)
    out.push_back(mark == '.'
                      ? line
                      : fmt::format("{} {}", mark,
                                    line.size() > indent ? line.substr(indent) : std::string()));
  return out;
}

/// Help texts that say nothing the fixed line does not show.
bool is_generic(std::string_view message) {
  static constexpr std::string_view kGeneric[] = {"try",
                                                  "try this",
                                                  "try instead",
                                                  "try using",
                                                  "use",
                                                  "replace it with",
                                                  "replace with",
                                                  "change",
                                                  "change this to",
                                                  "consider",
                                                  "consider using",
                                                  "try dereferencing it",
                                                  "you can reduce it to",
                                                  "try removing it"};
  return std::find(std::begin(kGeneric), std::end(kGeneric), message) != std::end(kGeneric);
}

/// A one-line change: the line as it reads fixed, or what is deleted.
std::string inline_change(const Hunk& h) {
  std::string before = trim(h.before.front());
  if (h.after.empty() || trim(h.after.front()).empty())
    return fmt::format("delete {}", code_span(window(before, before)));
  return code_span(window(before, trim(h.after.front())));
}

bool is_inline(const Hunk& h) {
  return h.before.size() == 1 && h.after.size() <= 1;
}

/// Fills `s.summary`, `s.tag` and `s.shown` from the suggestion's edits.
void show_suggestion(Suggestion& s, const std::vector<SpanEdit>& edits,
                     const std::string& diag_file, int diag_line) {
  std::string head = trim(s.message);
  while (!head.empty() && head.back() == ':')
    head.pop_back();
  s.summary = is_generic(head) ? "" : head;
  // Edits on the same or overlapping lines make one hunk.
  std::vector<const SpanEdit*> sorted;
  for (const auto& e : edits)
    sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(), [](const SpanEdit* a, const SpanEdit* b) {
    return std::tie(a->edit.file, a->edit.line_start) < std::tie(b->edit.file, b->edit.line_start);
  });
  std::vector<std::vector<const SpanEdit*>> clusters;
  int cluster_end = 0;
  for (const auto* e : sorted) {
    if (clusters.empty() || e->edit.file != clusters.back().front()->edit.file ||
        e->edit.line_start > cluster_end) {
      clusters.emplace_back();
      cluster_end = e->edit.line_end;
    }
    clusters.back().push_back(e);
    cluster_end = std::max(cluster_end, e->edit.line_end);
  }
  std::vector<Hunk> hunks;
  for (const auto& c : clusters) {
    auto h = hunk_of(c);
    if (!h) {
      // No source text to show the line with: the replacement alone.
      std::string replacement = trim(edits.front().edit.replacement);
      bool shown = !replacement.empty() && replacement.find('\n') == std::string::npos;
      s.shown = {shown ? code_span(window(replacement, replacement)) : std::string()};
      if (s.summary.empty() && !shown) s.summary = head;
      return;
    }
    if (h->before.empty() && h->after.empty()) continue;  // changes only trailing blanks
    hunks.push_back(std::move(*h));
  }
  auto where = [&](const Hunk& h) {
    std::string lines = h.before.size() > 1
                            ? fmt::format("lines {}-{}", h.first, h.first + h.before.size() - 1)
                            : fmt::format("line {}", h.first);
    return h.file == diag_file ? lines : fmt::format("{} {}", h.file, lines);
  };
  auto context_of = [&](const Hunk& h) -> std::optional<std::string> {
    // A pure insertion shows the line it goes above, so the model sees where.
    if (!h.before.empty()) return std::nullopt;
    for (const auto& c : clusters)
      for (const auto* e : c)
        if (auto it = e->lines.find(h.first); it != e->lines.end()) return it->second;
    return std::nullopt;
  };
  auto body = [&](const Hunk& h) {
    // Many lines becoming one: the line it becomes is enough, the old ones are in the file.
    if (h.before.size() > 1 && h.after.size() == 1)
      return std::vector<std::string>{code_span(window(trim(h.after[0]), trim(h.after[0])))};
    if (is_inline(h)) return std::vector<std::string>{inline_change(h)};
    auto diff = diff_lines(h, context_of(h));
    diff.insert(diff.begin(), std::string());
    return diff;
  };
  if (hunks.empty()) {
    s.shown = {std::string()};
    if (s.summary.empty()) s.summary = head;
    return;
  }
  if (hunks.size() == 1) {
    const Hunk& h = hunks.front();
    bool here = h.file == diag_file && h.first == diag_line && h.before.size() <= 1;
    s.tag = here ? "" : where(h);
    s.shown = body(h);
    // A mechanical one-line fix is said by the line it gives; advice that depends on intent
    // ("if this is intentional, ...") and every suggestion a person must judge keep their text.
    if (s.machine_applicable() && s.shown.size() == 1 && !head.starts_with("if ")) s.summary = "";
    return;
  }
  s.tag = fmt::format("{} edits", hunks.size());
  s.shown = {std::string()};
  for (std::size_t i = 0; i < hunks.size(); ++i) {
    if (i == kMaxHunks) {
      s.shown.push_back(fmt::format("... and {} more edits", hunks.size() - i));
      break;
    }
    auto lines = body(hunks[i]);
    s.shown.push_back(
        fmt::format("{}:{}{}", where(hunks[i]), lines[0].empty() ? "" : " ", lines[0]));
    for (std::size_t j = 1; j < lines.size(); ++j)
      s.shown.push_back("  " + lines[j]);
  }
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
      std::vector<SpanEdit> edits;
      std::string applicability;
      if (auto cs = child.find("spans"); cs != child.end() && cs->is_array()) {
        for (const auto& span : *cs) {
          if (!span.is_object() || !span.contains("suggested_replacement") ||
              !span["suggested_replacement"].is_string())
            continue;
          // The weakest applicability of the spans is the suggestion's.
          std::string a = str(span, "suggestion_applicability");
          if (applicability.empty() || a != "MachineApplicable") applicability = a;
          SpanEdit e{{map(str(span, "file_name")), num(span, "line_start"),
                      num(span, "column_start"), num(span, "line_end"), num(span, "column_end"),
                      span["suggested_replacement"].get<std::string>()},
                     {}};
          if (auto text = span.find("text"); text != span.end() && text->is_array()) {
            // Lines are numbered from line_start; a number no source has ends the list.
            long long line = e.edit.line_start;
            for (const auto& t : *text)
              if (t.is_object() && line >= 1 && line < kMaxLine)
                e.lines.emplace(static_cast<int>(line++), str(t, "text"));
          }
          edits.push_back(std::move(e));
        }
      }
      if (edits.empty()) {
        if (!is_boilerplate(child_level, child_message) && !child_message.empty())
          d.notes.push_back(child_level + ": " + child_message);
        continue;
      }
      Suggestion suggestion;
      suggestion.message = child_message;
      suggestion.applicability = applicability.empty() ? "Unspecified" : applicability;
      for (const auto& e : edits)
        suggestion.edits.push_back(e.edit);
      show_suggestion(suggestion, edits, d.file, d.line);
      if (suggestion.machine_applicable() && !d.fix) {
        Fix fix;
        fix.message = child_message;
        fix.edits = suggestion.edits;
        std::vector<std::pair<TextEdit, std::string>> lines;
        for (const auto& e : edits)
          lines.emplace_back(e.edit, e.lines.empty() ? std::string() : e.lines.begin()->second);
        fix.preview = preview_of(lines);
        d.fix = std::move(fix);
      }
      d.suggestions.push_back(std::move(suggestion));
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

namespace {

/// `path:line:col` for an error; `path:line` for a warning unless another diagnostic is on the
/// same line (the column is what a model least needs, and warnings are many).
std::string location(const Diagnostic& d, const std::multiset<std::pair<std::string, int>>& lines) {
  if (d.file.empty()) return "(no location)";
  if (d.level != "error" && lines.count({d.file, d.line}) < 2)
    return fmt::format("{}:{}", d.file, d.line);
  return fmt::format("{}:{}:{}", d.file, d.line, d.column);
}

/// "error[E0308]: mismatched types"; a warning with a lint name is just "lint: message" (a lint
/// is a warning unless it says error, and warnings are many).
std::string title(const Diagnostic& d) {
  if (d.code.empty()) return fmt::format("{}: {}", d.level, d.message);
  if (d.level == "warning") return fmt::format("{}: {}", d.code, d.message);
  return fmt::format("{}[{}]: {}", d.level, d.code, d.message);
}

/// Related spans and notes (errors only) and every suggestion, each line after `indent`.
std::string details_of(const Diagnostic& d, const std::string& indent) {
  std::string out;
  if (d.level == "error") {
    for (const auto& r : d.related)
      out += fmt::format("{}{}:{}:{} {}\n", indent, r.file, r.line, r.column, r.label);
    for (const auto& n : d.notes)
      out += fmt::format("{}{}\n", indent, n);
  }
  for (const auto& s : d.suggestions) {
    out += fmt::format("{}help: {}\n", indent, s.help_line(true));
    for (std::size_t i = 1; i < s.shown.size(); ++i)
      out += fmt::format("{}  {}\n", indent, s.shown[i]);
  }
  return out;
}

/// When every diagnostic of `group` has one suggestion and all have the same summary (maybe
/// empty), the header says "help: SUMMARY:" once and each location shows only its change.
bool shared_help(const std::vector<const Diagnostic*>& group) {
  if (group.size() < 2) return false;
  for (const Diagnostic* d : group)
    if (d->level == "error" || d->suggestions.size() != 1 ||
        d->suggestions[0].summary != group.front()->suggestions[0].summary)
      return false;
  return true;
}

}  // namespace

std::string Suggestion::help_line(bool with_summary) const {
  std::string out = with_summary ? summary : std::string();
  if (!tag.empty()) out += out.empty() ? tag : fmt::format(" ({})", tag);
  std::string first = shown.empty() ? std::string() : shown.front();
  if (!first.empty()) out += out.empty() ? first : ": " + first;
  return out;
}

std::string render_diagnostics(const CargoReport& report, std::size_t budget) {
  // Group by (level, code, message) in the sorted order, so a lint hit 9 times costs one header;
  // a diagnostic seen once is a line of its own, without a header.
  std::vector<std::vector<const Diagnostic*>> groups;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;
  for (const auto& d : report.diagnostics) {
    auto key = std::make_tuple(d.level, d.code, d.message);
    auto [it, fresh] = index.emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(&d);
  }
  std::multiset<std::pair<std::string, int>> lines;
  for (const auto& d : report.diagnostics)
    lines.emplace(d.file, d.line);
  std::string out;
  std::size_t shown = 0;
  bool full = false;
  for (const auto& group : groups) {
    std::size_t header_at = out.size();
    bool single = group.size() == 1;
    bool shared = shared_help(group);
    if (!single) {
      std::string help;
      if (shared)
        help = group.front()->suggestions[0].summary.empty()
                   ? "; help:"
                   : fmt::format("; help: {}:", group.front()->suggestions[0].summary);
      out += fmt::format("{} ({}x){}\n", title(*group.front()), group.size(), help);
    }
    for (const Diagnostic* d : group) {
      std::string entry;
      if (single) {
        entry = fmt::format("{}: {}", location(*d, lines), title(*d));
        if (!d->label.empty()) entry += fmt::format(" ({})", d->label);
        entry += '\n' + details_of(*d, "  ");
      } else {
        entry = "  " + location(*d, lines);
        if (!d->label.empty()) entry += " " + d->label;
        if (shared) {
          // The header said "help: ...:"; the location shows its change.
          const Suggestion& s = d->suggestions[0];
          std::string help = s.help_line(false);
          entry += help.empty() ? "\n" : fmt::format(" {}\n", help);
          for (std::size_t i = 1; i < s.shown.size(); ++i)
            entry += fmt::format("    {}\n", s.shown[i]);
        } else {
          entry += '\n' + details_of(*d, "    ");
        }
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

namespace {

json edits_json(const std::vector<TextEdit>& edits) {
  json out = json::array();
  for (const auto& e : edits)
    out.push_back({{"file", e.file},
                   {"line_start", e.line_start},
                   {"column_start", e.column_start},
                   {"line_end", e.line_end},
                   {"column_end", e.column_end},
                   {"replacement", e.replacement}});
  return out;
}

}  // namespace

json to_json(const Diagnostic& d) {
  json j = {{"level", d.level}, {"code", d.code},     {"message", d.message}, {"file", d.file},
            {"line", d.line},   {"column", d.column}, {"label", d.label}};
  j["related"] = json::array();
  for (const auto& r : d.related)
    j["related"].push_back(
        {{"file", r.file}, {"line", r.line}, {"column", r.column}, {"label", r.label}});
  j["notes"] = d.notes;
  if (d.fix) {
    j["fix"] = {{"message", d.fix->message},
                {"preview", d.fix->preview},
                {"edits", edits_json(d.fix->edits)}};
  } else {
    j["fix"] = nullptr;
  }
  j["suggestions"] = json::array();
  for (const auto& s : d.suggestions) {
    std::vector<std::string> shown = {"help: " + s.help_line()};
    shown.insert(shown.end(), s.shown.begin() + (s.shown.empty() ? 0 : 1), s.shown.end());
    j["suggestions"].push_back({{"message", s.message},
                                {"applicability", s.applicability},
                                {"shown", shown},
                                {"edits", edits_json(s.edits)}});
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
