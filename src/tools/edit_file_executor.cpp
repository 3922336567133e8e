// edit_file: exact-match replacement; a missing or ambiguous match is a clear error, not a guess.
#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "tools/capped_text.hpp"
#include "tools/executors.hpp"
#include "tools/line_scan.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kSnippetLines = 30;

std::vector<std::size_t> find_all(std::string_view text, std::string_view needle) {
  std::vector<std::size_t> at;
  for (auto pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + needle.size()))
    at.push_back(pos);
  return at;
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(
                 std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

/// `text` with every run of whitespace made one space, to tell "wrong indentation" apart from
/// "not there at all".
std::string squeeze_spaces(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

/// Lines first..last of `text`, numbered like read_file.
std::string numbered_lines(std::string_view text, std::size_t first, std::size_t last) {
  std::string out;
  std::size_t line = 1;
  std::size_t start = 0;
  while (start < text.size() && line <= last) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (line >= first) out += numbered_line(line, valid_utf8(text.substr(start, end - start)));
    if (end == text.size()) break;
    start = end + 1;
    ++line;
  }
  return out;
}

class EditFileTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    auto path = ws->resolve(args.at("path").get<std::string>());
    if (!path) return model_error(path.error().message);
    std::string shown = ws->display(*path);
    const std::string& old_string = args.at("old_string").get_ref<const std::string&>();
    const std::string& new_string = args.at("new_string").get_ref<const std::string&>();
    bool replace_all = args.value("replace_all", false);
    if (old_string.empty())
      return model_error("`old_string` is empty; to create or replace a whole file use write_file");
    if (old_string == new_string)
      return model_error("`old_string` and `new_string` are identical; nothing would change");
    auto file = open_for_reading(*ws, *path);
    if (!file)
      return model_error(
          file.error().code == ErrorCode::kNotFound
              ? fmt::format("`{}` does not exist; use write_file to create it", shown)
              : file.error().message);
    if (static_cast<std::uintmax_t>(file->st.st_size) > kMaxWholeFileBytes)
      return model_error(fmt::format(
          "`{}` has {} bytes; edit_file edits files of at most {} bytes (8 MiB), so it was not "
          "changed; split the file, or rewrite it with write_file",
          shown, file->st.st_size, kMaxWholeFileBytes));
    auto text = read_bounded(file->fd.get(), kMaxWholeFileBytes, shown);
    if (!text) return model_error(text.error().message);
    file->fd.reset();

    auto matches = find_all(*text, old_string);
    if (matches.empty()) {
      std::string msg = fmt::format("`old_string` was not found in `{}`", shown);
      if (squeeze_spaces(*text).find(squeeze_spaces(old_string)) != std::string::npos)
        msg +=
            "; it matches when whitespace is ignored, so check indentation, tabs and line ends "
            "against read_file's output";
      else
        msg += "; read the file again and copy the text exactly";
      return model_error(msg, {{"matches", 0}});
    }
    if (matches.size() > 1 && !replace_all) {
      std::vector<std::size_t> lines;
      for (auto m : matches)
        lines.push_back(line_of(*text, m));
      return model_error(
          fmt::format("`old_string` occurs {} times in `{}` (at lines {}); include more of the "
                      "surrounding lines to make it unique, or set replace_all to true",
                      matches.size(), shown, fmt::join(lines, ", ")),
          {{"matches", matches.size()}});
    }

    std::string updated;
    updated.reserve(text->size() + matches.size() * new_string.size());
    std::size_t from = 0;
    for (auto m : matches) {
      updated.append(*text, from, m - from);
      updated += new_string;
      from = m + old_string.size();
    }
    updated.append(*text, from);
    if (auto written = write_file_atomically(*ws, *path, updated,
                                             {.may_write_settings = context.may_write_settings});
        !written)
      return write_failure(written.error(), shown);

    std::size_t first = line_of(updated, matches.front());
    std::size_t new_lines =
        static_cast<std::size_t>(std::count(new_string.begin(), new_string.end(), '\n'));
    std::size_t total = static_cast<std::size_t>(std::count(updated.begin(), updated.end(), '\n')) +
                        (updated.empty() || updated.back() == '\n' ? 0 : 1);
    std::size_t last = std::min({first + new_lines + 2, first + kSnippetLines, total});
    first = first > 2 ? first - 2 : 1;
    std::string out = fmt::format("replaced {} occurrence{} in `{}`; lines {}-{} now read:\n{}",
                                  matches.size(), matches.size() == 1 ? "" : "s", shown, first,
                                  last, numbered_lines(updated, first, last));
    return ToolOutput{std::move(out),
                      false,
                      {{"path", shown}, {"replacements", matches.size()}, {"first_line", first}}};
  }
};

}  // namespace

std::unique_ptr<Tool> make_edit_file_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<EditFileTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
