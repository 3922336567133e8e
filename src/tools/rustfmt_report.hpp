#pragma once
/// Reading `cargo fmt --check` (PROTOCOLS.md §5.7): stdout holds "Diff in <path>:<line>:" hunks
/// for files that need formatting; stderr holds rustc-style errors for files that do not parse,
/// other failures (a missing module file, a rustfmt.toml that does not parse) and rustfmt's
/// warnings (`Warning: the `fn_args_layout` option is deprecated…`, printed once per target and
/// with any exit code). Formatting and parse errors both exit 1, so the streams, not the code,
/// tell them apart, and stderr's first word tells a warning from an error.
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
  /// stderr without the warnings, paths shown relative; empty if rustfmt reported no error
  std::string errors;
  /// rustfmt's warnings (a `Warning:` or `warning:` entry, with its indented lines), each once
  std::vector<std::string> warnings;
  /// `errors` holds a rustc parser diagnostic (`error: …` or `error[E…]: …`): code that does
  /// not parse, as opposed to rustfmt's own failures (`error[internal]`, a bad rustfmt.toml)
  bool parse_error = false;
};

/// `show` maps an absolute path from rustfmt's output to the path the model sees.
RustfmtReport parse_rustfmt_check(std::string_view out, std::string_view err,
                                  const std::function<std::string(const std::string&)>& show);

}  // namespace agentry::tools
