#include "agents/agent_parser.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "agents/front_matter.hpp"
#include "agents/structured_keys.hpp"
#include "agents/text_cleanup.hpp"
#include "agents/tool_names.hpp"
#include "agents/yaml_reader.hpp"
#include "core/effort.hpp"
#include "core/text.hpp"

namespace agentry::agents {

namespace {

/// A tool name as written, with where it was written.
struct WrittenTool {
  std::string name;
  const YamlValue* at;
};

/// Applies one front-matter mapping to a definition, reporting as it goes.
class DefinitionBuilder {
 public:
  DefinitionBuilder(AgentDefinition& def, const std::filesystem::path& file,
                    Diagnostics& diagnostics)
      : def_(def), file_(file), diagnostics_(diagnostics) {}

  bool failed() const { return failed_; }

  void apply(const YamlValue& mapping) {
    // Hashed, so that a front-matter of 100k keys costs 100k lookups, not 100k² comparisons.
    std::unordered_map<std::string_view, int> seen;
    seen.reserve(mapping.entries.size());
    for (const auto& [key, value] : mapping.entries) {
      auto [first, inserted] = seen.try_emplace(key.text, key.line);
      if (!inserted) {
        report(Severity::kWarning, key,
               fmt::format("duplicate key '{}' (first on line {}): this one is ignored", key.text,
                           first->second));
        continue;
      }
      apply_entry(key, value);
    }
  }

  void check_description(const YamlValue* value, int line) {
    if (value == nullptr || value->kind == YamlValue::Kind::kNull ||
        (value->is_scalar() && trim(value->text).empty())) {
      diagnostics_.push_back({Severity::kWarning, file_, line, 1,
                              "no description: the dispatcher routes on it and `agents list` "
                              "shows it; add `description: …`"});
    }
  }

 private:
  void report(Severity severity, const YamlValue& at, std::string message) {
    if (severity == Severity::kError) failed_ = true;
    diagnostics_.push_back({severity, file_, at.line, at.column, std::move(message)});
  }

  ReportAt reporter() {
    return [this](Severity severity, const YamlValue& at, std::string message) {
      report(severity, at, std::move(message));
    };
  }

  /// The text of a scalar that must be a string; reports and returns nullopt otherwise.
  std::optional<std::string> string_of(const YamlValue& key, const YamlValue& value,
                                       Severity severity) {
    if (value.kind == YamlValue::Kind::kNull) return std::string();
    const char* type = type_name(value);
    if (value.is_scalar() && std::string_view(type) == "string") return value.text;
    report(severity, value,
           fmt::format("'{}' must be a string, not a {}{}", key.text, type,
                       value.is_scalar() ? " (quote it)" : ""));
    return std::nullopt;
  }

  void apply_entry(const YamlValue& key, const YamlValue& value) {
    const std::string& k = key.text;
    if (k == "name") {
      if (auto s = string_of(key, value, Severity::kError)) def_.name = trim(*s);
    } else if (k == "description") {
      if (auto s = string_of(key, value, Severity::kError)) def_.description = trim(*s);
    } else if (k == "mode") {
      apply_mode(value);
    } else if (k == "model") {
      apply_model(key, value);
    } else if (k == "temperature") {
      apply_temperature(value);
    } else if (k == "effort") {
      apply_effort(value);
    } else if (k == "thinking") {
      apply_thinking(value);
    } else if (k == "top_p") {
      apply_top_p(value);
    } else if (k == "steps" || k == "maxSteps" || k == "max_steps" || k == "maxTurns") {
      apply_steps(key, value);
    } else if (k == "tools") {
      apply_tools(value);
    } else if (k == "check_after_edit") {
      apply_on_off(key, value, def_.check_after_edit);
    } else if (k == "disallowedTools") {
      add_all(def_.disabled_tools, written_tools(value));
    } else if (k == "permission") {
      def_.permission = to_json(value);
    } else if (k == "permissionMode") {
      check_permission_mode(value, reporter());
      def_.extra[k] = to_json(value);
    } else if (k == "color") {
      if (auto s = string_of(key, value, Severity::kWarning)) def_.color = *s;
    } else if (k == "initialPrompt") {
      if (auto s = string_of(key, value, Severity::kWarning)) def_.initial_prompt = trim(*s);
    } else if (k == "skills") {
      def_.skills = read_skill_names(value, reporter());
    } else if (k == "hooks") {
      def_.hooks = read_hooks(value, reporter()).value_or(nullptr);
    } else if (k == "mcpServers") {
      // The shape checked first (a warning at file:line for a wrong one), then kept typed.
      if (read_mcp_servers(value, reporter())) apply_mcp_servers(value);
    } else if (k == "hidden" || k == "disable") {
      apply_flag(key, value, k == "hidden" ? def_.hidden : def_.disabled);
    } else if (k == "instructions") {
      apply_flag(key, value, def_.instructions);
    } else {
      def_.extra[k] = to_json(value);
      report(Severity::kWarning, key,
             fmt::format("unknown key '{}': kept, but agentry does not use it", k));
    }
  }

  /// `mcpServers`: a list of configured server names and single-key mappings `{name: entry}`
  /// (an inline definition), or one mapping of name -> entry.
  void apply_mcp_servers(const YamlValue& value) {
    if (value.kind == YamlValue::Kind::kNull) return;
    std::vector<AgentMcpServer> servers;
    auto add = [&](const YamlValue& name, const YamlValue* entry) {
      if (entry != nullptr && entry->kind != YamlValue::Kind::kNull &&
          entry->kind != YamlValue::Kind::kMapping) {
        report(Severity::kWarning, *entry,
               fmt::format("MCP server '{}' must be a mapping such as {{command: …, args: […]}} "
                           "or {{type: http, url: …}}, not a {}; ignored",
                           name.text, type_name(*entry)));
        return;
      }
      nlohmann::json definition;
      if (entry != nullptr && entry->kind == YamlValue::Kind::kMapping)
        definition = to_json(*entry);
      servers.push_back(
          {std::string(trim(name.text)), std::move(definition), name.line, name.column});
    };
    if (value.kind == YamlValue::Kind::kMapping) {
      for (const auto& [name, entry] : value.entries)
        add(name, &entry);
    } else if (value.kind == YamlValue::Kind::kSequence) {
      for (const auto& item : value.items) {
        if (item.is_scalar() && !trim(item.text).empty()) {
          add(item, nullptr);
        } else if (item.kind == YamlValue::Kind::kMapping) {
          for (const auto& [name, entry] : item.entries)
            add(name, &entry);
        } else {
          report(Severity::kWarning, item,
                 fmt::format("an mcpServers entry must be a server name or {{name: definition}}, "
                             "not a {}; ignored",
                             type_name(item)));
        }
      }
    } else if (value.is_scalar() && !trim(value.text).empty()) {
      add(value, nullptr);
    }
    def_.mcp_servers = std::move(servers);
  }

  void apply_mode(const YamlValue& value) {
    std::string_view text = value.is_scalar() ? std::string_view(value.text) : "";
    if (text == "primary") {
      def_.mode = AgentMode::kPrimary;
    } else if (text == "subagent") {
      def_.mode = AgentMode::kSubagent;
    } else if (text == "all" || value.kind == YamlValue::Kind::kNull) {
      def_.mode = AgentMode::kAll;
    } else {
      report(Severity::kError, value,
             fmt::format("unknown mode '{}': use primary, subagent or all",
                         value.is_scalar() ? value.text : type_name(value)));
    }
  }

  void apply_model(const YamlValue& key, const YamlValue& value) {
    auto model = string_of(key, value, Severity::kError);
    if (!model) return;
    def_.model = trim(*model);
    const std::string& m = def_.model;
    if (m.empty() || m.find('/') != std::string::npos) return;
    if (std::find(kModelAliases.begin(), kModelAliases.end(), m) != kModelAliases.end()) return;
    bool alias_like = std::all_of(m.begin(), m.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (alias_like) {
      report(Severity::kWarning, value,
             fmt::format("unknown model alias '{}': use sonnet, opus, haiku, inherit, a model id "
                         "or provider/model",
                         m));
    }
  }

  void apply_temperature(const YamlValue& value) {
    auto t = as_number(value);
    if (!t || std::isnan(*t)) {
      report(Severity::kError, value,
             fmt::format("temperature must be a number between 0 and 2, not '{}'",
                         value.is_scalar() ? value.text : type_name(value)));
    } else if (*t < 0.0 || *t > 2.0) {
      report(Severity::kError, value, fmt::format("temperature {} is outside 0–2", value.text));
    } else {
      def_.temperature = *t;
    }
  }

  void apply_top_p(const YamlValue& value) {
    auto p = as_number(value);
    if (!p || std::isnan(*p) || *p < 0.0 || *p > 1.0) {
      report(Severity::kError, value,
             fmt::format("top_p must be a number between 0 and 1, not '{}'",
                         value.is_scalar() ? value.text : type_name(value)));
    } else {
      def_.top_p = *p;
    }
  }

  void apply_effort(const YamlValue& value) {
    if (value.kind == YamlValue::Kind::kNull) return;
    std::string level = value.is_scalar() ? std::string(trim(value.text)) : std::string();
    if (!is_effort_level(level)) {
      report(Severity::kWarning, value,
             fmt::format("effort must be {}, not '{}'; no effort is asked for", kEffortChoices,
                         value.is_scalar() ? value.text : type_name(value)));
      return;
    }
    def_.effort = std::move(level);
  }

  /// `thinking: {budget_tokens: N}` (N ≥ 1024, Anthropic's minimum).
  void apply_thinking(const YamlValue& value) {
    if (value.kind == YamlValue::Kind::kNull) return;
    const YamlValue* budget = nullptr;
    if (value.kind == YamlValue::Kind::kMapping) {
      for (const auto& [k, v] : value.entries) {
        if (k.text == "budget_tokens") {
          budget = &v;
        } else {
          report(Severity::kWarning, k,
                 fmt::format("unknown key '{}' in thinking: only budget_tokens is read", k.text));
        }
      }
    }
    auto n = budget != nullptr ? as_number(*budget) : std::nullopt;
    if (!n || *n < 1024 || *n > 1e6 || std::floor(*n) != *n) {
      const YamlValue& at = budget != nullptr ? *budget : value;
      report(Severity::kWarning, at,
             fmt::format("thinking must be {{budget_tokens: N}} with N a whole number of at "
                         "least 1024, not '{}'; no thinking budget is set",
                         at.is_scalar() ? at.text : type_name(at)));
      return;
    }
    def_.thinking_budget = static_cast<int>(*n);
  }

  void apply_steps(const YamlValue& key, const YamlValue& value) {
    auto n = as_number(value);
    if (!n || *n < 1 || *n > 1e6 || std::floor(*n) != *n) {
      report(Severity::kError, value,
             fmt::format("'{}' must be a whole number of steps of at least 1, not '{}'", key.text,
                         value.is_scalar() ? value.text : type_name(value)));
      return;
    }
    def_.max_steps = static_cast<int>(*n);
  }

  void apply_flag(const YamlValue& key, const YamlValue& value, bool& flag) {
    if (auto b = as_bool(value)) {
      flag = *b;
    } else {
      report(Severity::kError, value,
             fmt::format("'{}' must be true or false, not '{}'", key.text,
                         value.is_scalar() ? value.text : type_name(value)));
    }
  }

  /// `on` / `off` (or true / false); null leaves `slot` unset.
  void apply_on_off(const YamlValue& key, const YamlValue& value, std::optional<bool>& slot) {
    if (value.kind == YamlValue::Kind::kNull) return;
    if (auto b = as_bool(value)) {
      slot = *b;
    } else if (value.is_scalar() && (value.text == "on" || value.text == "off")) {
      slot = value.text == "on";
    } else {
      report(Severity::kError, value,
             fmt::format("'{}' must be on or off, not '{}'", key.text,
                         value.is_scalar() ? value.text : type_name(value)));
    }
  }

  /// The names of a comma-separated string or a list.
  std::vector<WrittenTool> written_tools(const YamlValue& value) {
    std::vector<WrittenTool> out;
    if (value.is_scalar()) {
      std::string_view rest = value.text;
      while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string_view item = trim(rest.substr(0, comma), kBlanks);
        if (!item.empty()) out.push_back({std::string(item), &value});
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    } else if (value.kind == YamlValue::Kind::kSequence) {
      for (const auto& item : value.items) {
        if (item.is_scalar() && !trim(item.text, kBlanks).empty()) {
          out.push_back({std::string(trim(item.text, kBlanks)), &item});
        } else if (item.kind != YamlValue::Kind::kNull) {
          report(Severity::kWarning, item,
                 fmt::format("a tool name must be a string, not a {}; ignored", type_name(item)));
        }
      }
    } else if (value.kind == YamlValue::Kind::kMapping) {
      report(Severity::kWarning, value, "a tool list must be names, not a mapping; ignored");
    }
    return out;
  }

  /// Maps one written name and appends the result to `list` unless `present` (the names already
  /// in it) has it; false when agentry has no such tool (it is kept as written).
  bool add_mapped(std::vector<std::string>& list, std::unordered_set<std::string>& present,
                  const WrittenTool& tool) {
    MappedTool mapped = map_tool_name(tool.name);
    const YamlValue& at = *tool.at;
    if (mapped.kind == ToolNameKind::kShell) {
      report(Severity::kInfo, at,
             fmt::format("tool '{}' maps to bash and the toolchain tools ({}), which give cargo's "
                         "diagnostics compact{}",
                         tool.name, fmt::join(kToolchainTools, ", "),
                         mapped.dropped_arguments ? "; argument patterns are not supported" : ""));
    } else if (mapped.dropped_arguments) {
      report(Severity::kInfo, at,
             fmt::format("tool '{}' is read as '{}': argument patterns are not supported",
                         tool.name, mapped.names.front()));
    }
    for (auto& name : mapped.names) {
      if (present.insert(name).second) list.push_back(std::move(name));
    }
    return mapped.kind != ToolNameKind::kUnknown;
  }

  /// add_mapped for each tool, then one warning naming the unknown ones (the first few of them).
  void add_all(std::vector<std::string>& list, const std::vector<WrittenTool>& tools) {
    constexpr std::size_t kNamed = 10;
    std::unordered_set<std::string> present(list.begin(), list.end());
    std::vector<std::string> unknown;
    std::size_t unknown_count = 0;
    const YamlValue* first = nullptr;
    for (const auto& tool : tools) {
      if (add_mapped(list, present, tool)) continue;
      if (first == nullptr) first = tool.at;
      if (++unknown_count <= kNamed) unknown.push_back("'" + tool.name + "'");
    }
    if (first == nullptr) return;
    std::string more =
        unknown_count > kNamed ? fmt::format(" and {} more", unknown_count - kNamed) : "";
    report(Severity::kWarning, *first,
           fmt::format("unknown tool{} {}{}: agentry has no such tool (kept in the list)",
                       unknown_count == 1 ? "" : "s", fmt::join(unknown, ", "), more));
  }

  void apply_tools(const YamlValue& value) {
    if (value.kind == YamlValue::Kind::kNull) return;
    if (value.kind != YamlValue::Kind::kMapping) {
      std::vector<std::string> tools;
      add_all(tools, written_tools(value));
      def_.tools = std::move(tools);
      return;
    }
    // opencode: a map of name -> bool on top of the default tools.
    std::vector<WrittenTool> enabled;
    std::vector<WrittenTool> disabled;
    for (const auto& [key, flag] : value.entries) {
      auto on = as_bool(flag);
      if (!on) {
        report(Severity::kWarning, flag,
               fmt::format("tool '{}' must be set to true or false; ignored", key.text));
        continue;
      }
      (*on ? enabled : disabled).push_back({key.text, &key});
    }
    add_all(def_.enabled_tools, enabled);
    add_all(def_.disabled_tools, disabled);
  }

  AgentDefinition& def_;
  const std::filesystem::path& file_;
  Diagnostics& diagnostics_;
  bool failed_ = false;
};

const YamlValue* find_key(const YamlValue& mapping, std::string_view key) {
  for (const auto& [k, v] : mapping.entries) {
    if (k.text == key) return &v;
  }
  return nullptr;
}

}  // namespace

std::optional<AgentDefinition> parse_agent(std::string text, const std::filesystem::path& file,
                                           std::string_view name_from_path, std::string_view scope,
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
  const FrontMatter* split = &front->split;
  const YamlValue* yaml = &front->yaml;

  AgentDefinition def;
  def.extra = nlohmann::json::object();
  DefinitionBuilder builder(def, file, diagnostics);
  builder.apply(*yaml);
  builder.check_description(find_key(*yaml, "description"), split->yaml_first_line - 1);
  if (builder.failed()) return std::nullopt;

  if (def.name.empty()) def.name = name_from_path;
  def.prompt = trim(split->body);
  if (def.prompt.empty()) {
    diagnostics.push_back({Severity::kWarning, file, split->body_first_line, 1,
                           "empty prompt: the markdown after the front-matter is the agent's "
                           "system prompt"});
  }
  def.source = file;
  def.scope = scope;
  return def;
}

}  // namespace agentry::agents
