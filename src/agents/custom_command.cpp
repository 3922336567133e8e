#include "agents/custom_command.hpp"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "agents/front_matter.hpp"
#include "agents/text_cleanup.hpp"
#include "agents/tool_names.hpp"
#include "agents/yaml_reader.hpp"
#include "core/command_split.hpp"
#include "core/text.hpp"

namespace agentry::agents {

namespace {

/// The parts of `value` (a comma-separated string or a list of strings) as written.
std::vector<std::string> names_of(const YamlValue& value) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view text) {
    if (auto t = trim(text, kBlanks); !t.empty()) out.emplace_back(t);
  };
  if (value.is_scalar()) {
    // Commas inside `Bash(a, b)` belong to the pattern.
    std::string_view rest = value.text;
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '(') ++depth;
      if (rest[i] == ')' && depth > 0) --depth;
      if (rest[i] == ',' && depth == 0) {
        add(rest.substr(start, i - start));
        start = i + 1;
      }
    }
    add(rest.substr(start));
  } else {
    for (const auto& item : value.items) {
      if (item.is_scalar()) add(item.text);
    }
  }
  return out;
}

/// Applies the command front-matter's keys, reporting as the agent parser does.
class CommandBuilder {
 public:
  CommandBuilder(CustomCommand& command, const std::filesystem::path& file,
                 Diagnostics& diagnostics)
      : command_(command), file_(file), diagnostics_(diagnostics) {}

  void apply(const YamlValue& mapping) {
    std::unordered_set<std::string_view> seen;
    for (const auto& [key, value] : mapping.entries) {
      if (!seen.insert(key.text).second) {
        warn(key, fmt::format("duplicate key '{}': this one is ignored", key.text));
        continue;
      }
      apply_entry(key, value);
    }
  }

 private:
  void warn(const YamlValue& at, std::string message) {
    diagnostics_.push_back({Severity::kWarning, file_, at.line, at.column, std::move(message)});
  }

  /// A scalar's text; a warning (and "") for anything else.
  std::string text_of(const YamlValue& key, const YamlValue& value) {
    if (value.is_scalar()) return std::string(trim(value.text));
    if (value.kind != YamlValue::Kind::kNull)
      warn(value,
           fmt::format("'{}' must be a string, not a {}; ignored", key.text, type_name(value)));
    return {};
  }

  void apply_entry(const YamlValue& key, const YamlValue& value) {
    const std::string& k = key.text;
    if (k == "description") {
      command_.description = text_of(key, value);
    } else if (k == "argument-hint") {
      command_.argument_hint = text_of(key, value);
    } else if (k == "agent") {
      command_.agent = text_of(key, value);
    } else if (k == "model") {
      command_.model = text_of(key, value);
    } else if (k == "allowed-tools" || k == "allowed_tools") {
      if (value.kind == YamlValue::Kind::kMapping) {
        warn(value, "allowed-tools must be tool names (`Read, Bash(git status:*)`); ignored");
        return;
      }
      command_.allowed_tools = parse_allowed_tools(names_of(value));
      for (const auto& allowed : command_.allowed_tools) {
        if (!is_agentry_tool(allowed.tool))
          warn(value, fmt::format("allowed-tools: agentry has no tool '{}'; it allows nothing",
                                  allowed.tool));
      }
    } else if (k == "disable-model-invocation") {
      // Claude Code's model may run commands itself; agentry's never does: nothing to disable.
    } else {
      warn(key, fmt::format("unknown key '{}': agentry does not use it", k));
    }
  }

  CustomCommand& command_;
  const std::filesystem::path& file_;
  Diagnostics& diagnostics_;
};

/// Claude Code's hints are written unquoted, `argument-hint: [pr-number] [priority]`, which is
/// not YAML (a list followed by text): the value of a front-matter `argument-hint:` line that
/// does not start with a quote is quoted before the block is read, so it stays text.
void quote_argument_hint(std::string& text) {
  constexpr std::string_view kKey = "argument-hint:";
  std::size_t pos = text.find('\n');  // after the opening fence
  while (pos != std::string::npos && pos + 1 < text.size()) {
    std::size_t start = pos + 1;
    std::size_t end = text.find('\n', start);
    std::string_view line =
        std::string_view(text).substr(start, end == std::string::npos ? end : end - start);
    if (trim(line, kBlanks) == "---") return;
    if (line.starts_with(kKey)) {
      std::string_view value = trim(line.substr(kKey.size()), kBlanks);
      if (!value.empty() && value.front() != '"' && value.front() != '\'') {
        std::string quoted = "'";
        for (char c : value)
          quoted += c == '\'' ? std::string("''") : std::string(1, c);
        quoted += "'";
        text.replace(start, line.size(), fmt::format("{} {}", kKey, quoted));
        return;
      }
    }
    pos = text.find('\n', start);
  }
}

std::vector<std::string> words_of(std::string_view arguments) {
  std::string problem;
  if (auto words = split_command(arguments, problem)) return std::move(*words);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < arguments.size();) {
    std::size_t start = arguments.find_first_not_of(kWhitespace, i);
    if (start == std::string_view::npos) break;
    std::size_t end = arguments.find_first_of(kWhitespace, start);
    out.emplace_back(arguments.substr(start, end - start));
    i = end == std::string_view::npos ? arguments.size() : end;
  }
  return out;
}

}  // namespace

bool AllowedTool::allows(std::string_view name, std::string_view line) const {
  if (name != tool) return false;
  if (command.empty()) return true;
  line = trim(line);
  if (!prefix) return line == command;
  // `git add:*` allows `git add` and `git add x`, not `git addx`.
  return line.starts_with(command) && (line.size() == command.size() || command.ends_with(' ') ||
                                       is_ascii_space(line[command.size()]));
}

std::vector<AllowedTool> parse_allowed_tools(const std::vector<std::string>& written) {
  std::vector<AllowedTool> out;
  for (const auto& entry : written) {
    std::string_view text = entry;
    std::string pattern;
    if (std::size_t open = text.find('(');
        open != std::string_view::npos && open > 0 && text.back() == ')') {
      pattern = trim(text.substr(open + 1, text.size() - open - 2));
      text = trim(text.substr(0, open));
    }
    MappedTool mapped = map_tool_name(text);
    if (mapped.kind == ToolNameKind::kShell) {
      AllowedTool bash{"bash", pattern, false};
      if (bash.command.ends_with(":*")) {
        bash.command.resize(bash.command.size() - 2);
        bash.prefix = true;
      } else if (bash.command.ends_with('*')) {
        bash.command.pop_back();
        bash.prefix = true;
      }
      bash.command = trim(bash.command);
      // `Bash(*)` and `Bash` alike allow every command line.
      if (bash.command.empty()) bash.prefix = false;
      out.push_back(std::move(bash));
      continue;
    }
    for (auto& name : mapped.names)
      out.push_back({std::move(name), {}, false});
  }
  return out;
}

std::optional<CustomCommand> parse_custom_command(std::string text,
                                                  const std::filesystem::path& file,
                                                  std::string name, std::string_view scope,
                                                  Diagnostics& diagnostics) {
  strip_bom(text);
  normalise_line_endings(text);
  CustomCommand command;
  command.name = std::move(name);
  command.source = file;
  command.scope = scope;
  if (std::size_t colon = command.name.rfind(':'); colon != std::string::npos)
    command.namespace_ = command.name.substr(0, colon);

  std::string_view body = text;
  int body_line = 1;
  if (text.starts_with("---")) {
    quote_argument_hint(text);
    auto front = read_front_matter(text, file, diagnostics);
    if (!front) return std::nullopt;
    CommandBuilder(command, file, diagnostics).apply(front->yaml);
    body = front->split.body;
    body_line = front->split.body_first_line;
  }
  command.body = trim(body);
  if (command.body.empty()) {
    diagnostics.push_back({Severity::kWarning, file, body_line, 1,
                           "empty command: the markdown is the prompt the command sends"});
  }
  if (command.description.empty()) {
    std::string_view first = command.body;
    first = trim(first.substr(0, first.find('\n')));
    while (first.starts_with('#'))
      first.remove_prefix(1);
    command.description = trim(first);
  }
  if (std::size_t bang = command.body.find("!`"); bang != std::string::npos) {
    int line = body_line + static_cast<int>(
                               std::count(command.body.begin(), command.body.begin() + bang, '\n'));
    diagnostics.push_back(
        {Severity::kInfo, file, line, 1,
         "agentry does not run !`command` lines of command files (a file of the repository would "
         "run a shell command at your keystroke): the model reads the line as written"});
  }
  return command;
}

std::string expand_command(const CustomCommand& command, std::string_view arguments) {
  arguments = trim(arguments);
  const std::string& body = command.body;
  std::vector<std::string> words;
  bool words_split = false;
  bool used = false;
  std::string out;
  out.reserve(body.size() + arguments.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::string_view rest = std::string_view(body).substr(i);
    if (rest.starts_with("$ARGUMENTS")) {
      out += arguments;
      i += std::string_view("$ARGUMENTS").size() - 1;
      used = true;
    } else if (rest.size() >= 2 && rest[0] == '$' && rest[1] >= '1' && rest[1] <= '9') {
      if (!words_split) {
        words = words_of(arguments);
        words_split = true;
      }
      auto index = static_cast<std::size_t>(rest[1] - '1');
      if (index < words.size()) out += words[index];
      ++i;
      used = true;
    } else {
      out += body[i];
    }
  }
  if (!used && !arguments.empty()) {
    out += "\n\nARGUMENTS: ";
    out += arguments;
  }
  return out;
}

}  // namespace agentry::agents
