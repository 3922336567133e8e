#pragma once
/// Turning cargo's `--message-format=json` stream into what a model needs: per diagnostic the
/// level, code or lint, message, `path:line:col`, the primary label and every suggestion (the
/// machine-applicable fix and the ones a person must apply), deduplicated and errors first;
/// rendered compactly with a count of anything cut.
/// PROTOCOLS.md §5.2-5.4 has the formats; parsing is lenient (unknown fields and reasons are
/// ignored, non-JSON lines skipped) because cargo adds fields over time.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentry::tools {

/// One replacement of a machine-applicable suggestion (1-based lines and columns, end exclusive).
struct TextEdit {
  std::string file;
  int line_start = 0;
  int column_start = 0;
  int line_end = 0;
  int column_end = 0;
  std::string replacement;
};

/// A suggestion rustc or clippy marks MachineApplicable: safe to apply as is.
struct Fix {
  std::string message;  ///< the help text, e.g. "remove `return`"
  std::vector<TextEdit> edits;
  std::string preview;  ///< "`return x;` -> `x`", for the model
};

/// A suggestion of any applicability, with what the model reads of it: the source line as it
/// reads with the suggestion applied, or a small diff when the change spans lines (built from
/// the span text cargo gives, so no file is read). Rendered as
/// "help: SUMMARY (TAG): SHOWN[0]" with the parts that are empty left out, then SHOWN[1...].
struct Suggestion {
  std::string message;        ///< the help text, e.g. "consider using an iterator"
  std::string applicability;  ///< "MachineApplicable", "MaybeIncorrect", "HasPlaceholders", ...
  std::vector<TextEdit> edits;
  std::string summary;  ///< the message, or empty when it says nothing ("try", "use", ...)
  std::string tag;      ///< "line 7", "lines 3-6", "src/a.rs line 2", "3 edits"; empty when the
                        ///< change is on the diagnostic's own line
  /// [0]: the line as fixed ("`x.is_empty()`", "delete `use a::b;`") or empty; then diff lines
  /// (`- old`, `+ new`, `  context`) or, for several edits, one entry per place.
  std::vector<std::string> shown;
  bool machine_applicable() const { return applicability == "MachineApplicable"; }
  /// "help: " + this is the first line shown for the suggestion.
  std::string help_line(bool with_summary = true) const;
};

/// A labelled secondary location ("value moved here").
struct RelatedSpan {
  std::string file;
  int line = 0;
  int column = 0;
  std::string label;
};

struct Diagnostic {
  std::string level;  ///< "error" or "warning"
  std::string code;   ///< "E0308", "unused_variables", "clippy::needless_return"; may be empty
  std::string message;
  std::string file;  ///< as the caller's path mapper shows it; empty for spanless errors
  int line = 0;
  int column = 0;
  std::string label;  ///< the primary span's label; may be empty
  std::vector<RelatedSpan> related;
  std::vector<std::string> notes;       ///< "help: ..." / "note: ..." children without a suggestion
  std::optional<Fix> fix;               ///< the first machine-applicable suggestion
  std::vector<Suggestion> suggestions;  ///< every suggestion, machine-applicable or not
};

struct CargoReport {
  std::vector<Diagnostic> diagnostics;  ///< deduplicated; errors first, then by file, line, column
  std::optional<bool> build_success;    ///< from `build-finished`; unset when cargo never got there
  std::size_t duplicates = 0;           ///< diagnostics dropped as repeats
  std::size_t errors() const;
  std::size_t warnings() const;
  std::size_t fixable() const;
};

/// Maps a span's `file_name` (relative to cargo's workspace root) to the path shown.
using PathMapper = std::function<std::string(const std::string& file_name)>;

/// Parses every `compiler-message` and `build-finished` line of `stdout_text`.
CargoReport parse_cargo_messages(std::string_view stdout_text, const PathMapper& map_path = {});

/// The compact text for the model, within `budget` bytes (what does not fit is counted in a
/// last line). A diagnostic seen once is one line (`path:line:col: level[code]: message
/// (label)`); a (level, code, message) seen more often gets one header and a line per location.
/// Every suggestion follows its location as a "help:" line (Suggestion::help_line); when all of
/// a group's have the same summary, the header says it once. Errors also keep their related
/// spans and notes. Nothing here names clippy_fix: the tools' summary lines do, when it can run.
std::string render_diagnostics(const CargoReport& report, std::size_t budget);

/// Everything, for ToolOutput::details.
nlohmann::json to_json(const Diagnostic& diagnostic);

/// The `rendered` text cargo would have printed for the same diagnostics (for benchmarks and
/// tests that compare sizes).
std::string rendered_text(std::string_view stdout_text);

}  // namespace agentry::tools
