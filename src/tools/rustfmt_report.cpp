#include "tools/rustfmt_report.hpp"

#include <algorithm>
#include <initializer_list>
#include <regex>
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

}  // namespace

RustfmtReport parse_rustfmt_check(std::string_view out, std::string_view err,
                                  const std::function<std::string(const std::string&)>& show) {
  // Current rustfmt: "Diff in /p/src/lib.rs:11:"; older ones: "Diff in /p/src/lib.rs at line 11:".
  static const std::regex kHeader(R"(^Diff in (.+?)(?::(\d+):| at line (\d+):)$)");
  RustfmtReport report;
  FormatDiff* current = nullptr;
  for_each_line(out, [&](std::string_view text) {
    std::string line(text);
    std::smatch m;
    if (std::regex_match(line, m, kHeader)) {
      std::string file = show(m[1]);
      if (current == nullptr || current->file != file) {
        report.files.push_back({file, {}, 0});
        current = &report.files.back();
      }
      ++current->hunks;
      current->diff += fmt::format("@@ line {} @@\n", m[2].matched ? m[2].str() : m[3].str());
    } else if (current != nullptr) {
      current->diff += line + "\n";
    }
  });
  // Make the error text's absolute paths the ones the model knows.
  static const std::regex kPath(R"((/[^\s:`'"]+\.rs))");
  std::string errors = valid_utf8(err);
  std::string shown;
  auto begin = std::sregex_iterator(errors.begin(), errors.end(), kPath);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    shown.append(errors, last, static_cast<std::size_t>(it->position()) - last);
    shown += show(it->str());
    last = static_cast<std::size_t>(it->position() + it->length());
  }
  shown.append(errors, last);
  split_stderr(shown, report);
  return report;
}

}  // namespace agentry::tools
