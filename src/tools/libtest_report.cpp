#include "tools/libtest_report.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <regex>

#include "tools/capped_text.hpp"

namespace agentry::tools {

namespace {

/// Adds the count libtest printed to `total`, saturating at INT_MAX: a test binary (or a build
/// script imitating one) may print a number of any length, which must not throw or overflow.
void add_count(int& total, const std::ssub_match& digits) {
  constexpr auto kMax = std::numeric_limits<int>::max();
  long long n = 0;
  const char* first = &*digits.first;
  auto [end, error] = std::from_chars(first, first + digits.length(), n);
  if (error != std::errc() || end != first + digits.length() || n > kMax - total) {
    total = kMax;
  } else {
    total += static_cast<int>(n);
  }
}

std::string trim_blank_lines(std::string s) {
  auto first = s.find_first_not_of('\n');
  if (first == std::string::npos) return {};
  s.erase(0, first);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

}  // namespace

TestReport parse_libtest_output(std::string_view text, std::size_t output_cap) {
  static const std::regex kSummary(
      R"(^test result: (ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored; (\d+) measured; (\d+) filtered out)");
  static const std::regex kFailureHeader(R"(^---- (.+) (stdout|stderr) ----$)");
  static const std::regex kThreadId(R"(^(thread '[^']*') \(\d+\))");
  static const std::regex kFailedLine(R"(^test (.+) \.\.\. FAILED$)");
  TestReport report;
  std::vector<std::string> failed_names;
  TestFailure* current = nullptr;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::smatch m;
    if (std::regex_search(line, m, kSummary)) {
      current = nullptr;
      ++report.suites;
      add_count(report.passed, m[2]);
      add_count(report.failed, m[3]);
      add_count(report.ignored, m[4]);
      add_count(report.filtered_out, m[6]);
    } else if (std::regex_match(line, m, kFailureHeader)) {
      report.failures.push_back({m[1], {}});
      current = &report.failures.back();
    } else if (std::regex_match(line, m, kFailedLine)) {
      failed_names.push_back(m[1]);
    } else if (line == "failures:" || line.starts_with("{\"reason\"")) {
      current = nullptr;
    } else if (current != nullptr) {
      if (line.starts_with("note: run with `RUST_BACKTRACE=1`")) continue;
      // Newer libtest names the thread id ("thread 'x' (1234) panicked"): noise that changes
      // every run.
      line = std::regex_replace(line, kThreadId, "$1");
      current->output += line;
      current->output += '\n';
    }
  }
  for (auto& f : report.failures)
    f.output = cap_text(valid_utf8(trim_blank_lines(f.output)), output_cap);
  // A failure libtest listed without captured output (e.g. a timeout) still gets named.
  for (const auto& name : failed_names) {
    bool known = std::any_of(report.failures.begin(), report.failures.end(),
                             [&](const auto& f) { return f.name == name; });
    if (!known) report.failures.push_back({name, {}});
  }
  return report;
}

}  // namespace agentry::tools
