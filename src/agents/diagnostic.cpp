#include "agents/diagnostic.hpp"

#include <algorithm>

namespace agentry::agents {

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "error";
}

std::string Diagnostic::to_string() const {
  return file.string() + ':' + std::to_string(line) + ':' + std::to_string(column) + ": " +
         agents::to_string(severity) + ": " + message;
}

std::size_t count(const Diagnostics& diagnostics, Severity severity) {
  return static_cast<std::size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [severity](const Diagnostic& d) { return d.severity == severity; }));
}

}  // namespace agentry::agents
