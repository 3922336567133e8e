#include "tools/libtest_report.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>

#include "tools/capped_text.hpp"

namespace agentry::tools {

namespace {

// Plain parsing, no std::regex: libstdc++'s matcher recurses once per character, so a test that
// prints a 100 KB line starting with "test " or "---- " overflowed the stack (a crash, which no
// exception boundary catches).

/// Takes literal text and runs of digits off the front of one line, in order.
struct LineCursor {
  std::string_view rest;
  bool take(std::string_view literal) {
    if (!rest.starts_with(literal)) return false;
    rest.remove_prefix(literal.size());
    return true;
  }
  std::optional<std::string_view> digits() {
    std::size_t n = 0;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9')
      ++n;
    if (n == 0) return std::nullopt;
    auto run = rest.substr(0, n);
    rest.remove_prefix(n);
    return run;
  }
};

/// Adds the count libtest printed to `total`, saturating at INT_MAX: a test binary (or a build
/// script imitating one) may print a number of any length, which must not throw or overflow.
void add_count(int& total, std::string_view digits) {
  constexpr auto kMax = std::numeric_limits<int>::max();
  long long n = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (error != std::errc() || end != digits.data() + digits.size() || n > kMax - total) {
    total = kMax;
  } else {
    total += static_cast<int>(n);
  }
}

/// "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; …" into
/// `report`; false for any other line.
bool add_summary(std::string_view line, TestReport& report) {
  LineCursor c{line};
  if (!c.take("test result: ") || !(c.take("ok. ") || c.take("FAILED. "))) return false;
  std::string_view counts[5];
  constexpr std::string_view kLabels[5] = {" passed; ", " failed; ", " ignored; ", " measured; ",
                                           " filtered out"};
  for (std::size_t i = 0; i < 5; ++i) {
    auto run = c.digits();
    if (!run || !c.take(kLabels[i])) return false;
    counts[i] = *run;
  }
  ++report.suites;
  add_count(report.passed, counts[0]);
  add_count(report.failed, counts[1]);
  add_count(report.ignored, counts[2]);
  add_count(report.filtered_out, counts[4]);
  return true;
}

/// The text between `head` and `tail` when `line` is head + something + tail, else nullopt.
std::optional<std::string_view> between(std::string_view line, std::string_view head,
                                        std::string_view tail) {
  if (line.size() <= head.size() + tail.size() || !line.starts_with(head) || !line.ends_with(tail))
    return std::nullopt;
  return line.substr(head.size(), line.size() - head.size() - tail.size());
}

/// "---- name stdout ----" (or stderr): the test's name.
std::optional<std::string_view> failure_header(std::string_view line) {
  if (auto name = between(line, "---- ", " stdout ----")) return name;
  return between(line, "---- ", " stderr ----");
}

/// Newer libtest names the thread id ("thread 'x' (1234) panicked"): noise that changes every
/// run, so it goes.
void drop_thread_id(std::string& line) {
  if (!line.starts_with("thread '")) return;
  auto quote = line.find('\'', 8);
  if (quote == std::string::npos) return;
  LineCursor c{std::string_view(line).substr(quote + 1)};
  if (c.take(" (") && c.digits() && c.take(")"))
    line.erase(quote + 1, line.size() - (quote + 1) - c.rest.size());
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
    if (add_summary(line, report)) {
      current = nullptr;
    } else if (auto name = failure_header(line)) {
      report.failures.push_back({std::string(*name), {}});
      current = &report.failures.back();
    } else if (auto failed = between(line, "test ", " ... FAILED")) {
      failed_names.emplace_back(*failed);
    } else if (line == "failures:" || line.starts_with("{\"reason\"")) {
      current = nullptr;
    } else if (current != nullptr) {
      if (line.starts_with("note: run with `RUST_BACKTRACE=1`")) continue;
      drop_thread_id(line);
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
