#include "layering/layering_check.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

#include <fmt/format.h>

namespace agentry::layering {

namespace fs = std::filesystem;

namespace {

// Bottom to top. Each row lists what the layer links in src/CMakeLists.txt, nothing implied.
const std::array<Layer, 12> kLayers = {{
    {"core", {}},
    {"agents", {"core"}},
    {"llm", {"core"}},
    {"tools", {"core"}},
    {"store", {"core"}},
    {"fakellm", {"core"}},
    {"term", {"core"}},
    {"mcpclient", {"llm", "tools"}},
    {"engine", {"agents", "llm", "tools", "store", "mcpclient"}},
    {"batch", {"engine"}},
    {"app", {"engine", "fakellm"}},
    {"cli", {"app", "batch", "term"}},
}};

/// What a front-end must not build: the type (any namespace) and its factory functions. Each row
/// catches `Type::factory(`, `Type name…` (an object), `Type(`/`Type{` (a temporary), `new Type`
/// and `make_unique/make_shared<Type>`; `function` rows catch a call of a free factory.
struct Built {
  std::string_view what;
  std::string_view type;  ///< empty for a free function
  std::vector<std::string_view> factories;
};

const std::array<Built, 14> kBuilt = {{
    {"a provider", "", {"make_provider"}},
    {"a provider", "HttpProvider", {}},
    {"a model resolver (it builds providers)", "LlmModelResolver", {}},
    {"a session store", "SessionStore", {"open"}},
    {"a batch journal (a store)", "BatchJournalWriter", {"open"}},
    {"a tool registry", "ToolRegistry", {"load", "from_specs"}},
    {"a tool host", "RegistryToolHost", {}},
    {"a tool host", "McpToolHost", {}},
    {"a tool host", "ToolInvoker", {}},
    {"a sandbox", "Sandbox", {"probe"}},
    {"a sandbox", "SandboxedRunner", {}},
    {"a prompt builder", "PromptBuilder", {}},
    {"an engine", "Engine", {}},
    {"an MCP server pool", "ServerPool", {}},
}};

struct Pattern {
  std::string needle;  ///< a line without it cannot match (std::regex is slow)
  std::regex regex;
  std::string what;
  std::string shown;  ///< the construct, as the message names it
};

std::vector<Pattern> make_patterns() {
  std::vector<Pattern> out;
  for (const auto& b : kBuilt) {
    const std::string what(b.what);
    if (b.type.empty()) {
      for (auto f : b.factories)
        out.push_back({std::string(f), std::regex(fmt::format(R"(\b{}\s*\()", f)), what,
                       fmt::format("{}()", f)});
      continue;
    }
    const std::string t(b.type);
    for (auto f : b.factories)
      out.push_back({t, std::regex(fmt::format(R"(\b{}\s*::\s*{}\s*\()", t, f)), what,
                     fmt::format("{}::{}", t, f)});
    // Most telling first: `new Type`, `make_unique<Type>`, then an object (`Type name(…)`,
    // `Type name{…}`, `Type name = …`, `Type name;`), then a temporary (`Type(…)`, `Type{…}`).
    out.push_back({t, std::regex(fmt::format(R"(\bnew\s+(\w+\s*::\s*)*{}\b)", t)), what,
                   fmt::format("new {}", t)});
    out.push_back(
        {t, std::regex(fmt::format(R"(\bmake_(unique|shared)\s*<\s*(\w+\s*::\s*)*{}\s*>)", t)),
         what, fmt::format("make_unique/make_shared<{}>", t)});
    out.push_back({t, std::regex(fmt::format(R"(\b{}\s+[A-Za-z_]\w*\s*[({{=;])", t)), what,
                   fmt::format("{} object", t)});
    out.push_back(
        {t, std::regex(fmt::format(R"(\b{}\s*[({{])", t)), what, fmt::format("{} temporary", t)});
  }
  return out;
}

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

/// Calls `line_fn(number, text)` for each line of `text`, numbered from 1.
template <class F>
void for_each_line(std::string_view text, F line_fn) {
  int number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    line_fn(++number, text.substr(start, end - start));
    if (end == text.size()) break;
    start = end + 1;
  }
}

}  // namespace

std::string Violation::to_string() const {
  return fmt::format("{}:{}: {}: {}", file, line, rule, detail);
}

std::span<const Layer> layers() {
  return kLayers;
}

std::set<std::string, std::less<>> allowed_includes(std::string_view layer) {
  std::set<std::string, std::less<>> out;
  std::vector<std::string_view> todo{layer};
  while (!todo.empty()) {
    auto name = todo.back();
    todo.pop_back();
    auto it = std::find_if(kLayers.begin(), kLayers.end(),
                           [&](const Layer& l) { return l.name == name; });
    if (it == kLayers.end() || !out.emplace(name).second) continue;
    todo.insert(todo.end(), it->links.begin(), it->links.end());
  }
  return out;
}

std::string blank_comments(std::string_view code, bool keep_strings) {
  std::string out(code);
  const std::size_t n = code.size();
  auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < n; ++k)
      if (out[k] != '\n') out[k] = ' ';
  };
  std::size_t i = 0;
  while (i < n) {
    char c = code[i];
    if (c == '/' && i + 1 < n && code[i + 1] == '/') {
      auto end = code.find('\n', i);
      if (end == std::string_view::npos) end = n;
      blank(i, end);
      i = end;
    } else if (c == '/' && i + 1 < n && code[i + 1] == '*') {
      auto end = code.find("*/", i + 2);
      end = end == std::string_view::npos ? n : end + 2;
      blank(i, end);
      i = end;
    } else if (c == '"' && i > 0 && code[i - 1] == 'R' &&
               (i < 2 || !identifier_char(code[i - 2]) ||
                std::string_view("8LuU").find(code[i - 2]) != std::string_view::npos)) {
      // R"delim( … )delim"
      auto open = code.find('(', i);
      if (open == std::string_view::npos) break;
      std::string close = fmt::format("){}\"", code.substr(i + 1, open - i - 1));
      auto end = code.find(close, open);
      end = end == std::string_view::npos ? n : end + close.size();
      if (!keep_strings) blank(i + 1, end - 1);
      i = end;
    } else if (c == '"' ||
               (c == '\'' && (i == 0 || !std::isdigit(static_cast<unsigned char>(code[i - 1]))))) {
      // A string or character literal (a quote after a digit is a digit separator: 1'000).
      std::size_t k = i + 1;
      while (k < n && code[k] != c && code[k] != '\n') {
        if (code[k] == '\\') ++k;
        ++k;
      }
      if (!keep_strings) blank(i + 1, k);
      i = k + 1;
    } else {
      ++i;
    }
  }
  return out;
}

std::vector<Violation> check_includes(std::string_view file, std::string_view layer,
                                      std::string_view code) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*["<]([^">]+)[">])");
  std::vector<Violation> out;
  const auto allowed = allowed_includes(layer);
  if (allowed.empty()) {
    out.push_back({std::string(file), 1, "layers",
                   fmt::format("src/{} is no layer; add it to the table in "
                               "tests/layering/layering_check.cpp and to src/CMakeLists.txt",
                               layer)});
    return out;
  }
  for_each_line(blank_comments(code, true), [&](int number, std::string_view line) {
    std::match_results<std::string_view::const_iterator> m;
    if (line.find("include") == std::string_view::npos ||
        !std::regex_search(line.begin(), line.end(), m, kInclude))
      return;
    std::string path = m[1];
    auto slash = path.find('/');
    if (slash == std::string::npos) return;  // a header beside the file, or a system one
    std::string target = path.substr(0, slash);
    bool is_layer = std::any_of(kLayers.begin(), kLayers.end(),
                                [&](const Layer& l) { return l.name == target; });
    if (!is_layer || allowed.count(target) != 0) return;
    std::string why =
        target == "cli"
            ? "src/cli is the top: nothing includes it"
            : fmt::format(
                  "src/{} does not link src/{} (src/CMakeLists.txt); move what both need "
                  "down, or pass it in from above",
                  layer, target);
    out.push_back({std::string(file), number, "a lower layer includes a higher one",
                   fmt::format("#include \"{}\": {}", path, why)});
  });
  return out;
}

std::vector<Violation> check_front_end(std::string_view file, std::string_view code) {
  static const std::vector<Pattern> kPatterns = make_patterns();
  std::vector<Violation> out;
  for_each_line(blank_comments(code, false), [&](int number, std::string_view line) {
    for (const auto& p : kPatterns) {
      if (line.find(p.needle) == std::string_view::npos ||
          !std::regex_search(line.begin(), line.end(), p.regex))
        continue;
      out.push_back({std::string(file), number, "a front-end builds nothing",
                     fmt::format("src/cli constructs {}: {}; src/app builds it and hands it over",
                                 p.what, p.shown)});
      return;  // one finding per line
    }
  });
  return out;
}

std::vector<Violation> check_cmake_links(std::string_view file, std::string_view cmake) {
  std::string text(cmake);
  // CMake comments run from # to the end of the line (no # inside our quoted strings).
  for (std::size_t i = 0; (i = text.find('#', i)) != std::string::npos;) {
    auto end = text.find('\n', i);
    if (end == std::string::npos) end = text.size();
    std::fill(text.begin() + static_cast<std::ptrdiff_t>(i),
              text.begin() + static_cast<std::ptrdiff_t>(end), ' ');
    i = end;
  }
  static const std::regex kCall(R"(\bagentry_layer\s*\(([^)]*)\))");
  static const std::regex kWord(R"([^\s]+)");
  std::vector<Violation> out;
  std::set<std::string, std::less<>> seen;
  for (std::sregex_iterator it(text.begin(), text.end(), kCall), end; it != end; ++it) {
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + it->position(), '\n'));
    std::string args = (*it)[1];
    std::vector<std::string> words;
    for (std::sregex_iterator w(args.begin(), args.end(), kWord); w != end; ++w)
      words.push_back(w->str());
    if (words.empty()) continue;
    const std::string& name = words.front();
    seen.insert(name);
    std::set<std::string, std::less<>> linked;
    for (std::size_t k = 1; k < words.size(); ++k)
      if (words[k].starts_with("agentry_")) linked.insert(words[k].substr(8));
    auto row = std::find_if(kLayers.begin(), kLayers.end(),
                            [&](const Layer& l) { return l.name == name; });
    if (row == kLayers.end()) {
      out.push_back({std::string(file), line, "the layer table",
                     fmt::format("layer {} is not in tests/layering/layering_check.cpp", name)});
      continue;
    }
    std::set<std::string, std::less<>> table(row->links.begin(), row->links.end());
    if (linked != table)
      out.push_back({std::string(file), line, "the layer table",
                     fmt::format("{} links [{}] here but [{}] in tests/layering/layering_check.cpp",
                                 name, fmt::join(linked, ", "), fmt::join(table, ", "))});
  }
  for (const auto& l : kLayers)
    if (seen.count(l.name) == 0)
      out.push_back(
          {std::string(file), 1, "the layer table",
           fmt::format("no agentry_layer({} …) for the table's layer {}", l.name, l.name)});
  return out;
}

std::vector<SourceFile> source_files(const fs::path& src) {
  std::vector<SourceFile> out;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension();
    if (ext != ".hpp" && ext != ".cpp" && ext != ".h" && ext != ".in") continue;
    auto rel = entry.path().lexically_relative(src);
    if (std::distance(rel.begin(), rel.end()) < 2) continue;  // src/CMakeLists.txt and the like
    out.push_back({entry.path(), rel.begin()->string()});
  }
  std::sort(out.begin(), out.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return out;
}

}  // namespace agentry::layering
