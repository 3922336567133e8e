#pragma once
/// Reading libtest's plain output (stable Rust has no JSON test output; PROTOCOLS.md §5.6):
/// per-binary summaries summed up, and each failing test's captured output.
#include <string>
#include <string_view>
#include <vector>

namespace agentry::tools {

struct TestFailure {
  std::string name;
  std::string output;  ///< the captured stdout/panic text, trimmed, capped
};

struct TestReport {
  int passed = 0;
  int failed = 0;
  int ignored = 0;
  int filtered_out = 0;
  int suites = 0;  ///< `test result:` lines seen (test binaries and doc-test runs)
  std::vector<TestFailure> failures;
};

/// Parses libtest's text; lines that are not libtest's (cargo's JSON) are ignored.
/// `output_cap` bounds each failure's kept output.
TestReport parse_libtest_output(std::string_view text, std::size_t output_cap = 4096);

}  // namespace agentry::tools
