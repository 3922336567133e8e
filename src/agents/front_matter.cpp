#include "agents/front_matter.hpp"

#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "agents/text_cleanup.hpp"
#include "agents/yaml_reader.hpp"
#include "core/text.hpp"

namespace agentry::agents {

namespace {

std::string_view trim_right(std::string_view s) {
  std::size_t end = s.find_last_not_of(kBlanks);
  return end == std::string_view::npos ? std::string_view{} : s.substr(0, end + 1);
}

/// 0: not a fence; otherwise the 1-based column of its first dash (1 for a proper fence).
int fence_column(std::string_view line) {
  std::size_t start = line.find_first_not_of(kBlanks);
  if (start == std::string_view::npos) return 0;
  return trim_right(line.substr(start)) == "---" ? static_cast<int>(start) + 1 : 0;
}

tl::unexpected<Diagnostic> error_at(const std::filesystem::path& file, int line, int column,
                                    std::string message) {
  return tl::make_unexpected(Diagnostic{Severity::kError, file, line, column, std::move(message)});
}

}  // namespace

tl::expected<FrontMatter, Diagnostic> split_front_matter(std::string_view text,
                                                         const std::filesystem::path& file) {
  if (text.find_first_not_of(" \t\n") == std::string_view::npos) {
    return error_at(file, 1, 1,
                    "empty file: an agent file needs a front-matter block ('---' ... '---') and "
                    "a prompt");
  }
  std::size_t eol = text.find('\n');
  std::string_view first = text.substr(0, eol);
  if (int column = fence_column(first); column > 1) {
    return error_at(file, 1, column, "indented fence: the opening '---' must start at column 1");
  } else if (column == 0) {
    std::string message = "no front-matter: the file must start with a '---' line";
    int line = 1;
    for (std::size_t pos = 0; pos != std::string_view::npos && pos < text.size();) {
      std::size_t next = text.find('\n', pos);
      if (line > 1 && fence_column(text.substr(pos, next - pos)) != 0) {
        message += " (found '---' on line " + std::to_string(line) + "; move it to line 1)";
        break;
      }
      pos = next == std::string_view::npos ? next : next + 1;
      ++line;
    }
    return error_at(file, 1, 1, std::move(message));
  }
  if (eol == std::string_view::npos) {
    return error_at(file, 1, 1, "unterminated front-matter: no closing '---' line after line 1");
  }

  std::size_t yaml_start = eol + 1;
  int line = 2;
  int indented_line = 0;
  int indented_column = 0;
  for (std::size_t pos = yaml_start; pos < text.size(); ++line) {
    std::size_t next = text.find('\n', pos);
    std::string_view current = text.substr(pos, next == std::string_view::npos ? next : next - pos);
    int column = fence_column(current);
    if (column == 1) {
      FrontMatter fm;
      fm.yaml = text.substr(yaml_start, pos - yaml_start);
      fm.body = next == std::string_view::npos ? std::string_view{} : text.substr(next + 1);
      fm.body_first_line = line + 1;
      return fm;
    }
    if (column > 1 && indented_line == 0) {
      indented_line = line;
      indented_column = column;
    }
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  if (indented_line != 0) {
    return error_at(file, indented_line, indented_column,
                    "indented fence: the closing '---' must start at column 1");
  }
  return error_at(file, 1, 1, "unterminated front-matter: no closing '---' line after line 1");
}

void apply_unique_entries(const YamlValue& mapping, const std::filesystem::path& file,
                          Diagnostics& diagnostics,
                          const std::function<void(const YamlValue&, const YamlValue&)>& apply) {
  std::unordered_map<std::string_view, int> seen;
  seen.reserve(mapping.entries.size());
  for (const auto& [key, value] : mapping.entries) {
    auto [first, inserted] = seen.try_emplace(key.text, key.line);
    if (inserted) {
      apply(key, value);
      continue;
    }
    diagnostics.push_back({Severity::kWarning, file, key.line, key.column,
                           fmt::format("duplicate key '{}' (first on line {}): this one is ignored",
                                       key.text, first->second)});
  }
}

std::optional<FrontMatterDocument> read_front_matter_document(std::string text,
                                                              const std::filesystem::path& file,
                                                              Diagnostics& diagnostics) {
  strip_bom(text);
  normalise_line_endings(text);
  if (MojibakeRepair repair = repair_double_encoded_utf8(text); repair.count > 0) {
    diagnostics.push_back(
        {Severity::kWarning, file, repair.first_line, repair.first_column,
         fmt::format("repaired {} double-encoded UTF-8 sequence{} such as '{}' -> '{}' (save the "
                     "file as UTF-8 to fix it for good)",
                     repair.count, repair.count == 1 ? "" : "s", repair.first_from,
                     repair.first_to)});
  }
  auto front = read_front_matter(text, file, diagnostics);
  if (!front) return std::nullopt;
  return FrontMatterDocument{std::move(front->yaml), std::string(front->split.body),
                             front->split.yaml_first_line, front->split.body_first_line};
}

}  // namespace agentry::agents
