#include "cli/mcp/mcp_tools.hpp"

#include <algorithm>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "engine/event_json.hpp"

namespace agentry::cli::mcp {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxToolName = 64;

bool tool_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

/// `base`, or `base_2`, `base_3`… cut to fit, whichever is not taken yet.
std::string unique_name(const std::string& base, std::set<std::string>& taken) {
  std::string name = base;
  for (int n = 2; taken.count(name); ++n) {
    std::string suffix = fmt::format("_{}", n);
    name = base.substr(0, kMaxToolName - suffix.size()) + suffix;
  }
  taken.insert(name);
  return name;
}

json agent_input_schema() {
  return json{
      {"type", "object"},
      {"properties",
       {{"task",
         {{"type", "string"},
          {"minLength", 1},
          {"description",
           "The task for the agent, self-contained: what to do, where, and what to report "
           "back. The agent does not see your conversation."}}},
        {"cwd",
         {{"type", "string"},
          {"description",
           "Working directory for the task (absolute, or relative to the server's first "
           "root); must lie inside one of the server's roots. Default: the first root."}}},
        {"session_id",
         {{"type", "string"},
          {"description",
           "Continue the conversation of an earlier call: its structuredContent.session_id."}}}}},
      {"required", {"task"}},
      {"additionalProperties", false}};
}

/// The public result object (event_json.hpp): both a finished and a failed run match it.
json agent_output_schema() {
  json integer{{"type", "integer"}};
  return json{
      {"type", "object"},
      {"properties",
       {{"result", {{"type", "string"}, {"description", "The agent's final answer."}}},
        {"is_error", {{"type", "boolean"}}},
        {"stop_reason",
         {{"type", "string"},
          {"description", "completed, max_steps, loop_detected, cancelled or error."}}},
        {"session_id",
         {{"type", {"string", "null"}}, {"description", "Pass as session_id to continue."}}},
        {"agent", {{"type", "string"}}},
        {"num_turns", integer},
        {"usage",
         {{"type", "object"},
          {"properties",
           {{"input_tokens", integer},
            {"output_tokens", integer},
            {"cache_read_tokens", integer},
            {"cache_write_tokens", integer}}}}},
        {"total_cost_usd",
         {{"type", {"number", "null"}}, {"description", "Null when a price is unknown."}}},
        {"duration_ms", integer},
        {"tool_calls", {{"type", "array"}}}}},
      {"required", {"result", "is_error", "stop_reason", "session_id", "usage", "total_cost_usd"}}};
}

json agent_tool_json(const AgentTool& a) {
  std::string about = a.description.empty() ? "" : fmt::format(" {}", a.description);
  return json{
      {"name", a.tool},
      {"title", fmt::format("agentry agent {}", a.agent)},
      {"description",
       fmt::format("Delegate a task to the agentry agent \"{}\".{}\n\nThe agent works on its own "
                   "with its tools until done and returns its final answer; usage, cost and "
                   "session_id come in the structured result. Pass session_id to continue.",
                   a.agent, about)},
      {"inputSchema", agent_input_schema()},
      {"outputSchema", agent_output_schema()},
      {"annotations",
       {{"readOnlyHint", false}, {"destructiveHint", true}, {"openWorldHint", false}}}};
}

json list_agents_tool_json() {
  json agent_item{{"type", "object"},
                  {"properties",
                   {{"tool", {{"type", "string"}}},
                    {"agent", {{"type", "string"}}},
                    {"description", {{"type", "string"}}},
                    {"mode", {{"type", "string"}}},
                    {"model", {{"type", "string"}}}}},
                  {"required", {"tool", "agent", "description"}}};
  return json{
      {"name", kListAgentsTool},
      {"title", "List agentry agents"},
      {"description",
       "List the agents this server offers: for each, the tool that runs it, its name and what "
       "it is for."},
      {"inputSchema", {{"type", "object"}, {"additionalProperties", false}}},
      {"outputSchema",
       {{"type", "object"},
        {"properties", {{"agents", {{"type", "array"}, {"items", agent_item}}}}},
        {"required", {"agents"}}}},
      {"annotations", {{"readOnlyHint", true}, {"openWorldHint", false}}}};
}

}  // namespace

std::string sanitize_tool_name(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, kMaxToolName))
    out += tool_name_char(c) ? c : '_';
  return out.empty() ? "agent" : out;
}

Result<ToolCatalog> ToolCatalog::build(const std::vector<const agents::AgentDefinition*>& agents,
                                       const std::vector<std::string>& chosen) {
  for (const auto& name : chosen) {
    bool known = std::any_of(agents.begin(), agents.end(),
                             [&](const agents::AgentDefinition* a) { return a->name == name; });
    if (known) continue;
    std::string names;
    for (const auto* a : agents)
      names += (names.empty() ? "" : ", ") + a->name;
    return fail(
        ErrorCode::kUsage, fmt::format("no agent named \"{}\"", name), "--agent",
        names.empty() ? "no agents are loaded; check --agents-dir" : "choose one of: " + names);
  }
  ToolCatalog catalog;
  std::set<std::string> taken{std::string(kListAgentsTool)};
  for (const auto* a : agents) {
    bool wanted = chosen.empty() ? a->mode != agents::AgentMode::kPrimary && !a->hidden
                                 : std::find(chosen.begin(), chosen.end(), a->name) != chosen.end();
    if (!wanted) continue;
    catalog.agents_.push_back({unique_name(sanitize_tool_name(a->name), taken), a->name,
                               a->description, agents::to_string(a->mode), a->model});
  }
  return catalog;
}

json ToolCatalog::list() const {
  json tools = json::array();
  for (const auto& a : agents_)
    tools.push_back(agent_tool_json(a));
  tools.push_back(list_agents_tool_json());
  return tools;
}

const AgentTool* ToolCatalog::find(std::string_view name) const {
  auto it = std::find_if(agents_.begin(), agents_.end(),
                         [&](const AgentTool& a) { return a.tool == name; });
  return it == agents_.end() ? nullptr : &*it;
}

json ToolCatalog::list_agents_result() const {
  json list = json::array();
  std::string text;
  for (const auto& a : agents_) {
    list.push_back({{"tool", a.tool},
                    {"agent", a.agent},
                    {"description", a.description},
                    {"mode", a.mode},
                    {"model", a.model}});
    text += fmt::format("- {} (tool `{}`): {}\n", a.agent, a.tool, a.description);
  }
  if (text.empty()) text = "No agents are offered by this server.\n";
  return json{{"content", {{{"type", "text"}, {"text", text}}}},
              {"structuredContent", {{"agents", list}}},
              {"isError", false}};
}

Result<CallArguments> parse_call_arguments(const json& arguments,
                                           const std::vector<tools::Workspace>& roots) {
  CallArguments out;
  std::string cwd;
  for (const auto& [key, value] : arguments.items()) {
    std::string* field = key == "task"         ? &out.task
                         : key == "cwd"        ? &cwd
                         : key == "session_id" ? &out.session_id
                                               : nullptr;
    if (field == nullptr) {
      return fail(ErrorCode::kUsage,
                  fmt::format("unknown argument `{}`; the arguments are task (required), cwd "
                              "and session_id",
                              key));
    }
    if (!value.is_string())
      return fail(ErrorCode::kUsage, fmt::format("argument `{}` must be a string", key));
    *field = value.get<std::string>();
  }
  if (out.task.find_first_not_of(" \t\r\n") == std::string::npos)
    return fail(ErrorCode::kUsage, "`task` is required: describe what the agent should do");

  fs::path given = cwd;
  fs::path wanted = given.empty()         ? roots.front().root()
                    : given.is_absolute() ? given
                                          : roots.front().root() / given;
  std::error_code ec;
  fs::path real = fs::canonical(wanted, ec);
  if (ec || !fs::is_directory(real, ec)) {
    return fail(ErrorCode::kUsage,
                fmt::format("`cwd` {} is not an existing directory", wanted.string()));
  }
  bool inside = std::any_of(roots.begin(), roots.end(),
                            [&](const tools::Workspace& root) { return root.contains(real); });
  if (!inside) {
    std::string list;
    for (const auto& root : roots)
      list += (list.empty() ? "" : ", ") + root.root().string();
    return fail(ErrorCode::kPermission,
                fmt::format("`cwd` {} is outside the roots this server may work in ({}); pick a "
                            "directory inside one of them",
                            real.string(), list));
  }
  out.cwd = std::move(real);
  return out;
}

json tool_error_result(std::string_view message) {
  return json{{"content", {{{"type", "text"}, {"text", message}}}}, {"isError", true}};
}

json run_result_to_call_result(const engine::RunResult& r) {
  json structured = engine::result_to_json(r);
  bool is_error = structured.value("is_error", false);
  std::string answer =
      r.result.empty()
          ? fmt::format("(no final answer: the agent stopped with {})", engine::to_string(r.reason))
          : r.result;
  std::string cost = r.cost_usd ? fmt::format("${:.4f}", *r.cost_usd) : "unknown";
  std::string footer = fmt::format(
      "[agentry: agent {}, session_id {}, stop_reason {}, {} turns, {} input / {} output tokens, "
      "cost {}]",
      r.agent, r.session_id, engine::to_string(r.reason), r.num_turns, r.usage.input_tokens,
      r.usage.output_tokens, cost);
  return json{
      {"content", {{{"type", "text"}, {"text", answer}}, {{"type", "text"}, {"text", footer}}}},
      {"structuredContent", std::move(structured)},
      {"isError", is_error}};
}

json run_error_to_call_result(const Error& error, const std::string& session_id,
                              std::int64_t duration_ms) {
  return json{
      {"content",
       {{{"type", "text"},
         {"text", fmt::format("agentry could not finish the task: {}", error.to_string())}}}},
      {"structuredContent", engine::error_result_to_json(error, session_id, duration_ms)},
      {"isError", true}};
}

}  // namespace agentry::cli::mcp
