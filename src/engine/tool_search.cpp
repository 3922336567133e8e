#include "engine/tool_search.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "core/text.hpp"
#include "engine/context_budget.hpp"

namespace agentry::engine {

using nlohmann::json;

namespace {

constexpr std::string_view kDeferrablePrefix = "mcp__";
constexpr std::string_view kSelectPrefix = "select:";
constexpr std::string_view kActivatedPrefix =
    "Tools activated with tool_search in this session (still in your tools): ";
constexpr int kNameScore = 3;
constexpr int kDescriptionScore = 1;
constexpr std::size_t kMaxDescriptionChars = 400;
constexpr std::size_t kMaxParameterNoteChars = 120;

/// Appends `item` to a comma-separated list.
void append_listed(std::string& list, std::string_view item, std::string_view separator = ", ") {
  if (!list.empty()) list.append(separator);
  list.append(item);
}

/// The lower-case words of `text` (runs of letters and digits), each once, of 2+ characters.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 2 && std::find(words.begin(), words.end(), word) == words.end())
      words.push_back(word);
    word.clear();
  };
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

/// `mcp__github__create_issue` → "github"; "" when the name has no server part.
std::string_view server_of(std::string_view name) {
  if (!name.starts_with(kDeferrablePrefix)) return {};
  name.remove_prefix(kDeferrablePrefix.size());
  auto end = name.find("__");
  return end == std::string_view::npos ? std::string_view() : name.substr(0, end);
}

/// One line of text, at most `max` characters.
std::string shorten(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : trim(text))
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (out.size() > max) out = out.substr(0, max - 3) + "...";
  return out;
}

std::string type_of(const json& property) {
  auto type = property.find("type");
  if (type == property.end()) return property.contains("enum") ? "enum" : "any";
  if (type->is_string()) {
    std::string text = type->get<std::string>();
    if (text == "array" && property.contains("items") && property["items"].is_object() &&
        property["items"].contains("type") && property["items"]["type"].is_string())
      text += fmt::format(" of {}", property["items"]["type"].get<std::string>());
    return text;
  }
  if (!type->is_array()) return "any";
  std::string text;
  for (const auto& t : *type)
    if (t.is_string()) append_listed(text, t.get<std::string>(), "|");
  return text.empty() ? "any" : text;
}

/// "path (string, required): the file to read; depth (integer)" from a JSON Schema object.
std::string parameter_summary(const json& schema) {
  if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object() ||
      schema["properties"].empty())
    return "none";
  std::vector<std::string> required;
  if (auto it = schema.find("required"); it != schema.end() && it->is_array())
    for (const auto& r : *it)
      if (r.is_string()) required.push_back(r.get<std::string>());
  std::string out;
  for (const auto& [name, property] : schema["properties"].items()) {
    bool needed = std::find(required.begin(), required.end(), name) != required.end();
    out +=
        fmt::format("{}{} ({}{})", out.empty() ? "" : "; ", name,
                    property.is_object() ? type_of(property) : "any", needed ? ", required" : "");
    if (property.is_object() && property.contains("description") &&
        property["description"].is_string())
      out += ": " + shorten(property["description"].get<std::string>(), kMaxParameterNoteChars);
  }
  return out;
}

ToolSchema tool_search_schema() {
  json parameters = {
      {"type", "object"},
      {"properties",
       {{"query",
         {{"type", "string"},
          {"description",
           "A few words for what you need, matched against tool names and descriptions; or "
           "an exact tool name; or select:NAME,NAME to add the tools of those names"}}},
        {"max_results",
         {{"type", "integer"},
          {"minimum", 1},
          {"maximum", ToolSearch::kMaxResults},
          {"description", fmt::format("How many tools to return (default {}, at most {})",
                                      ToolSearch::kDefaultResults, ToolSearch::kMaxResults)}}}}},
      {"required", {"query"}},
      {"additionalProperties", false}};
  return ToolSchema{
      kToolSearchToolName,
      "Finds tools that are not in your tool list yet (the tools of MCP servers) by name and "
      "description, and adds the ones found to your tools for the rest of this session: call "
      "them by name afterwards. Ranking: each word of the query found in a tool's name counts 3, "
      "found only in its description 1; best first. `select:NAME,NAME` adds tools whose names "
      "you know.",
      std::move(parameters)};
}

/// `max_results`: absent means the default; a number of at least 1, capped.
std::optional<int> max_results_of(const json& arguments) {
  auto it = arguments.find("max_results");
  if (it == arguments.end() || it->is_null()) return ToolSearch::kDefaultResults;
  if (!it->is_number()) return std::nullopt;
  double n = it->get<double>();
  if (!(n >= 1)) return std::nullopt;
  return static_cast<int>(std::min<double>(std::floor(n), ToolSearch::kMaxResults));
}

}  // namespace

const char* to_string(ToolSearchMode mode) {
  switch (mode) {
    case ToolSearchMode::kAuto:
      return "auto";
    case ToolSearchMode::kAlways:
      return "always";
    case ToolSearchMode::kNever:
      return "never";
  }
  return "auto";
}

std::optional<ToolSearchMode> parse_tool_search_mode(std::string_view text) {
  for (auto mode : {ToolSearchMode::kAuto, ToolSearchMode::kAlways, ToolSearchMode::kNever})
    if (text == to_string(mode)) return mode;
  return std::nullopt;
}

bool is_deferrable(std::string_view tool_name) {
  return tool_name.starts_with(kDeferrablePrefix);
}

std::int64_t schema_tokens(const std::vector<ToolSchema>& schemas) {
  return static_cast<std::int64_t>(std::ceil(static_cast<double>(ContextBudget::chars_of(schemas)) /
                                             ContextBudget::kStartCharsPerToken));
}

std::optional<ToolSearch> ToolSearch::plan(const std::vector<ToolSchema>& schemas,
                                           const ToolSearchSettings& settings) {
  if (settings.mode == ToolSearchMode::kNever) return std::nullopt;
  ToolSearch search;
  for (const auto& schema : schemas)
    (is_deferrable(schema.name) ? search.deferred_ : search.offered_).push_back(schema);
  if (search.deferred_.empty()) return std::nullopt;
  if (settings.mode == ToolSearchMode::kAuto &&
      search.deferred_.size() <= static_cast<std::size_t>(std::max(settings.max_tools, 0)) &&
      schema_tokens(search.deferred_) <= settings.max_tokens)
    return std::nullopt;
  search.offered_.push_back(tool_search_schema());
  search.first_activated_ = search.offered_.size();
  for (const auto& tool : search.deferred_) {
    search.haystack_names_.push_back(ascii_lower(tool.name.substr(kDeferrablePrefix.size())));
    search.haystack_texts_.push_back(ascii_lower(tool.description));
  }
  search.active_.assign(search.deferred_.size(), false);
  return search;
}

std::string ToolSearch::servers() const {
  std::vector<std::pair<std::string, int>> counts;
  for (const auto& tool : deferred_) {
    std::string server(server_of(tool.name));
    if (server.empty()) server = "(unnamed)";
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& c) { return c.first == server; });
    if (it == counts.end()) {
      counts.emplace_back(server, 1);
    } else {
      ++it->second;
    }
  }
  std::string out;
  for (const auto& [server, n] : counts)
    out += fmt::format("{}{} ({} tool{})", out.empty() ? "" : ", ", server, n, n == 1 ? "" : "s");
  return out;
}

ToolSearch::Found ToolSearch::find(const json& arguments) const {
  Found found;
  if (!arguments.is_object() || !arguments.contains("query") || !arguments["query"].is_string()) {
    found.error =
        "rewrite your input: tool_search takes {\"query\": \"words\"} (a string), and "
        "optionally \"max_results\"";
    return found;
  }
  auto max = max_results_of(arguments);
  if (!max) {
    found.error = fmt::format(
        "rewrite your input: `max_results` must be a whole number from 1 to {}", kMaxResults);
    return found;
  }
  std::string_view query = trim(arguments["query"].get_ref<const std::string&>());
  if (query.starts_with(kSelectPrefix)) {
    std::string_view rest = query.substr(kSelectPrefix.size());
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto name = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (name.empty()) continue;
      auto index = index_of(name);
      if (!index) {
        found.unknown.emplace_back(name);
      } else if (std::find(found.tools.begin(), found.tools.end(), *index) == found.tools.end()) {
        found.tools.push_back(*index);
      }
    }
    return found;
  }
  if (auto index = index_of(query)) {
    found.tools.push_back(*index);
    return found;
  }
  auto words = words_of(query);
  if (words.empty()) {
    found.error = "rewrite your input: `query` has no word to search for";
    return found;
  }
  std::vector<std::pair<int, std::size_t>> scored;
  for (std::size_t i = 0; i < deferred_.size(); ++i) {
    int score = 0;
    for (const auto& word : words) {
      if (haystack_names_[i].find(word) != std::string::npos) {
        score += kNameScore;
      } else if (haystack_texts_[i].find(word) != std::string::npos) {
        score += kDescriptionScore;
      }
    }
    if (score > 0) scored.emplace_back(score, i);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; i < scored.size() && i < static_cast<std::size_t>(*max); ++i)
    found.tools.push_back(scored[i].second);
  return found;
}

ToolResult ToolSearch::run(const ToolCall& call) const {
  auto found = find(call.arguments);
  if (!found.error.empty()) return ToolResult{call.id, call.name, found.error, true};
  std::string query = call.arguments["query"].get<std::string>();
  std::string out;
  if (found.tools.empty() && found.unknown.empty()) {
    out = fmt::format(
        "No searchable tool matches \"{}\". The {} searchable tools are on the MCP servers {}; "
        "try other words, a server's name, or select:NAME.",
        query, deferred_.size(), servers());
  } else if (!found.tools.empty()) {
    out = fmt::format(
        "{} tool{} found for \"{}\" (of {} searchable). They are in your tools from now on, "
        "for the rest of this session: call them by name.\n",
        found.tools.size(), found.tools.size() == 1 ? "" : "s", query, deferred_.size());
  }
  for (auto index : found.tools) {
    const auto& tool = deferred_[index];
    out += fmt::format("\n{}\n  {}\n  parameters: {}\n", tool.name,
                       shorten(tool.description, kMaxDescriptionChars),
                       parameter_summary(tool.parameters));
  }
  if (!found.unknown.empty()) {
    std::string names;
    for (const auto& name : found.unknown)
      append_listed(names, name);
    out += fmt::format(
        "{}No searchable tool is named {} (tools already in your list need no "
        "search); search by words to find the right names.",
        out.empty() ? "" : "\n", names);
  }
  return ToolResult{call.id, call.name, out, found.tools.empty() && !found.unknown.empty()};
}

std::optional<std::size_t> ToolSearch::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < deferred_.size(); ++i)
    if (deferred_[i].name == name) return i;
  return std::nullopt;
}

std::size_t ToolSearch::activate(std::size_t index) {
  if (active_[index]) return 0;
  active_[index] = true;
  offered_.push_back(deferred_[index]);
  return ContextBudget::chars_of(std::vector<ToolSchema>{deferred_[index]});
}

std::size_t ToolSearch::note_calls(const std::vector<ToolCall>& calls) {
  std::size_t added = 0;
  for (const auto& call : calls) {
    if (call.name == kToolSearchToolName) {
      for (auto index : find(call.arguments).tools)
        added += activate(index);
      continue;
    }
    if (auto index = index_of(call.name)) added += activate(*index);
  }
  return added;
}

std::size_t ToolSearch::replay(const std::vector<Message>& history) {
  std::size_t added = 0;
  for (const auto& message : history) {
    if (message.role == Role::kAssistant) {
      added += note_calls(message.tool_calls);
      continue;
    }
    if (message.role != Role::kUser) continue;
    for (auto at = message.text.find(kActivatedPrefix); at != std::string::npos;
         at = message.text.find(kActivatedPrefix, at + 1)) {
      auto start = at + kActivatedPrefix.size();
      auto end = message.text.find('\n', start);
      std::string line = message.text.substr(start, end == std::string::npos ? end : end - start);
      if (line.ends_with('.')) line.pop_back();
      added += note_calls({ToolCall{
          {}, kToolSearchToolName, json{{"query", fmt::format("{}{}", kSelectPrefix, line)}}, {}}});
    }
  }
  return added;
}

std::string ToolSearch::summary_note() const {
  std::string names;
  for (std::size_t i = first_activated_; i < offered_.size(); ++i)
    append_listed(names, offered_[i].name);
  if (names.empty()) return {};
  return fmt::format("\n\n{}{}.", kActivatedPrefix, names);
}

}  // namespace agentry::engine
