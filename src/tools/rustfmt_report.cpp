#include "tools/rustfmt_report.hpp"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "tools/capped_text.hpp"

namespace agentry::tools {

namespace {

/// Calls `f` with each line of `text`, without its newline.
template <class F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    f(text.substr(start, end - start));
    start = end + 1;
  }
}

bool starts_with_any(std::string_view line, std::initializer_list<std::string_view> prefixes) {
  for (auto p : prefixes)
    if (line.starts_with(p)) return true;
  return false;
}

/// A line that belongs to the diagnostic above it: blank, indented, a source line (`12 | …`),
/// or a rustc sub-diagnostic (`help: …`, `note: …`).
bool continues_entry(std::string_view line) {
  if (line.empty() || line.front() == ' ' || line.front() == '|' ||
      starts_with_any(line, {"help:", "note:", "= ", "..."}))
    return true;
  auto digits = line.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string_view::npos) return false;
  auto bar = line.find_first_not_of(' ', digits);
  return bar != std::string_view::npos && line[bar] == '|';
}

/// `error: …` or `error[E0585]: …`: how rustc's parser begins a diagnostic (rustfmt's own
/// failures say `error[internal]`).
bool rustc_error_header(std::string_view line) {
  if (line.starts_with("error: ")) return true;
  if (!line.starts_with("error[E")) return false;
  auto close = line.find("]: ");
  return close != std::string_view::npos && close > 7 &&
         line.substr(7, close - 7).find_first_not_of("0123456789") == std::string_view::npos;
}

/// Sorts stderr's entries into warnings (each once) and the error text, and tells whether the
/// errors hold a parse error: an `error: …` or `error[E…]: …` entry with a ` --> ` location.
void split_stderr(std::string_view err, RustfmtReport& report) {
  std::string errors;
  std::string warning;
  std::set<std::string> seen;
  bool in_rustc_error = false;  // inside an entry that starts like a rustc error
  auto end_warning = [&] {
    while (!warning.empty() && warning.back() == '\n')
      warning.pop_back();
    if (!warning.empty() && seen.insert(warning).second) report.warnings.push_back(warning);
    warning.clear();
  };
  for_each_line(err, [&](std::string_view line) {
    if (starts_with_any(line, {"Warning:", "warning:", "warning["})) {
      end_warning();
      warning.append(line).push_back('\n');
      in_rustc_error = false;
      return;
    }
    if (!warning.empty() && continues_entry(line)) {
      warning.append(line).push_back('\n');
      return;
    }
    end_warning();
    if (!continues_entry(line))
      in_rustc_error = rustc_error_header(line);
    else if (in_rustc_error &&
             line.substr(std::min(line.find_first_not_of(' '), line.size())).starts_with("--> "))
      report.parse_error = true;
    errors.append(line).push_back('\n');
  });
  end_warning();
  while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' '))
    errors.pop_back();
  report.errors = std::move(errors);
}

// Plain parsing, no std::regex: libstdc++'s matcher recurses once per character, and a long run
// of text (a minified line rustfmt quotes) overflowed the stack: a crash no boundary catches.

/// A header of rustfmt's check output, "Diff in /p/src/lib.rs:11:" (older ones: "Diff in
/// /p/src/lib.rs at line 11:"): the file and the line.
struct DiffHeader {
  std::string_view file;
  std::string_view line;
};

std::optional<DiffHeader> diff_header(std::string_view text) {
  constexpr std::string_view kHead = "Diff in ";
  if (!text.starts_with(kHead) || !text.ends_with(':')) return std::nullopt;
  auto body = text.substr(kHead.size(), text.size() - kHead.size() - 1);
  auto digits = body.size() - std::min(body.size(), body.find_last_not_of("0123456789") + 1);
  if (digits == 0) return std::nullopt;
  auto line = body.substr(body.size() - digits);
  body.remove_suffix(digits);
  for (std::string_view separator : {":", " at line "}) {
    if (body.size() > separator.size() && body.ends_with(separator))
      return DiffHeader{body.substr(0, body.size() - separator.size()), line};
  }
  return std::nullopt;
}

/// Calls `path(from, to)` for each absolute path of a Rust file in `text` (a `/`, then no blank,
/// `:`, quote or backquote, up to the last `.rs` of that run), left to right.
template <class F>
void for_each_rust_path(std::string_view text, F&& path) {
  constexpr std::string_view kEnds = " \t\n\v\f\r:`'\"";
  std::size_t from = 0;
  while ((from = text.find('/', from)) != std::string_view::npos) {
    auto run_end = std::min(text.find_first_of(kEnds, from), text.size());
    auto rs = run_end >= from + 5 ? text.rfind(".rs", run_end - 3) : std::string_view::npos;
    if (rs == std::string_view::npos || rs < from + 2) {
      from = run_end;  // no later `/` of this run ends in .rs either
      continue;
    }
    path(from, rs + 3);
    from = rs + 3;
  }
}

}  // namespace

RustfmtReport parse_rustfmt_check(std::string_view out, std::string_view err,
                                  const std::function<std::string(const std::string&)>& show) {
  // Current rustfmt: "Diff in /p/src/lib.rs:11:"; older ones: "Diff in /p/src/lib.rs at line 11:".
  RustfmtReport report;
  FormatDiff* current = nullptr;
  for_each_line(out, [&](std::string_view text) {
    if (auto header = diff_header(text)) {
      std::string file = show(std::string(header->file));
      if (current == nullptr || current->file != file) {
        report.files.push_back({file, {}, 0});
        current = &report.files.back();
      }
      ++current->hunks;
      current->diff += fmt::format("@@ line {} @@\n", header->line);
    } else if (current != nullptr) {
      current->diff += text;
      current->diff += '\n';
    }
  });
  // Make the error text's absolute paths the ones the model knows.
  std::string errors = valid_utf8(err);
  std::string shown;
  std::size_t last = 0;
  for_each_rust_path(errors, [&](std::size_t from, std::size_t to) {
    shown.append(errors, last, from - last);
    shown += show(errors.substr(from, to - from));
    last = to;
  });
  shown.append(errors, last);
  split_stderr(shown, report);
  return report;
}

}  // namespace agentry::tools
