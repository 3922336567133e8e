#pragma once
/// A problem found while loading agent files. The loader never stops at the first one: it
/// collects them all, each pointing at file:line:column, so `agents validate` can list every
/// problem in one run and one broken file never hides the others.
#include <filesystem>
#include <string>
#include <vector>

namespace agentry::agents {

enum class Severity { kError, kWarning, kInfo };

/// "error" | "warning" | "info".
const char* to_string(Severity severity);

struct Diagnostic {
  Severity severity = Severity::kError;
  std::filesystem::path file;
  int line = 1;    ///< 1-based line in the file as it is on disk
  int column = 1;  ///< 1-based column (in bytes)
  std::string message;

  /// "file:line:column: severity: message", the form compilers use (editors jump to it).
  std::string to_string() const;
  bool operator==(const Diagnostic&) const = default;
};

using Diagnostics = std::vector<Diagnostic>;

/// How many diagnostics of `severity` there are.
std::size_t count(const Diagnostics& diagnostics, Severity severity);

}  // namespace agentry::agents
