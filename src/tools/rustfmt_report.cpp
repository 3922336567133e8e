#include "tools/rustfmt_report.hpp"

#include <regex>

#include <fmt/format.h>

#include "tools/capped_text.hpp"

namespace agentry::tools {

RustfmtReport parse_rustfmt_check(std::string_view out, std::string_view err,
                                  const std::function<std::string(const std::string&)>& show) {
  // Current rustfmt: "Diff in /p/src/lib.rs:11:"; older ones: "Diff in /p/src/lib.rs at line 11:".
  static const std::regex kHeader(R"(^Diff in (.+?)(?::(\d+):| at line (\d+):)$)");
  RustfmtReport report;
  FormatDiff* current = nullptr;
  std::size_t start = 0;
  while (start < out.size()) {
    auto end = out.find('\n', start);
    if (end == std::string_view::npos) end = out.size();
    std::string line(out.substr(start, end - start));
    start = end + 1;
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
  }
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
  while (!shown.empty() && (shown.back() == '\n' || shown.back() == ' '))
    shown.pop_back();
  report.errors = std::move(shown);
  return report;
}

}  // namespace agentry::tools
