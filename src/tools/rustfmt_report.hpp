#pragma once
/// Reading `cargo fmt --check` (PROTOCOLS.md §5.7): stdout holds "Diff in <path>:<line>:" hunks
/// for files that need formatting; stderr holds rustc-style errors for files that do not parse.
/// Both come with exit 1, so the streams, not the code, tell them apart.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace agentry::tools {

struct FormatDiff {
  std::string file;  ///< as the path mapper shows it
  std::string diff;  ///< "@@ line N @@" then rustfmt's -/+/space lines, per hunk
  int hunks = 0;
};

struct RustfmtReport {
  std::vector<FormatDiff> files;  ///< files that need formatting, in rustfmt's order
  std::string errors;             ///< stderr's error text with paths shown relative; empty if none
};

/// `show` maps an absolute path from rustfmt's output to the path the model sees.
RustfmtReport parse_rustfmt_check(std::string_view out, std::string_view err,
                                  const std::function<std::string(const std::string&)>& show);

}  // namespace agentry::tools
