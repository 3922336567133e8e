#include "engine/mcp_tool_host.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "engine/tool_access.hpp"
#include "mcpclient/tool_names.hpp"
#include "tools/capped_text.hpp"

namespace agentry::engine {

using nlohmann::json;

/// One MCP server's tool as the tools layer runs it. Its spec's schema is only checked for
/// being an object: the server validates its own inputSchema (which may use any of JSON Schema),
/// and the model sees that schema through model_schema().
class McpToolHost::McpTool final : public tools::Tool {
 public:
  static constexpr std::size_t kMaxDescriptionBytes = 2048;
  static constexpr std::size_t kMaxSchemaBytes = 32 * 1024;

  McpTool(mcpclient::ServerPool& pool, std::string server, const mcpclient::ToolInfo& info,
          std::string name)
      : pool_(pool), server_(std::move(server)), tool_(info.name) {
    spec_.schema = {std::move(name), info.description, json{{"type", "object"}}};
    spec_.origin = fmt::format("MCP server `{}`, tool `{}`", server_, tool_);
    spec_.limits.output_cap = mcpclient::kDefaultOutputCap;
    // A server's description and schema go into every request: text the server controls, so
    // bounded (Claude Code cuts descriptions at 2,048 characters too).
    json parameters = info.input_schema.is_object() ? info.input_schema : json::object();
    if (!parameters.contains("type")) parameters["type"] = "object";
    std::string description = info.description.empty() ? info.title : info.description;
    if (description.empty()) description = spec_.origin;
    description = tools::cap_text(description, kMaxDescriptionBytes);
    if (std::size_t size = parameters.dump().size(); size > kMaxSchemaBytes) {
      parameters = json{{"type", "object"}};
      description += fmt::format(
          "\n(Its input schema, {} bytes, is too large to send: pass the arguments its "
          "description names.)",
          size);
    }
    model_schema_ = {spec_.schema.name, std::move(description), std::move(parameters)};
  }

  const tools::ToolSpec& spec() const override { return spec_; }
  const ToolSchema& model_schema() const { return model_schema_; }
  const std::string& server() const { return server_; }
  const std::string& tool() const { return tool_; }

  Result<tools::ToolOutput> run(const json& arguments, const tools::ToolContext& context) override {
    auto on_progress = [&](const mcpclient::Progress& p) {
      if (context.on_progress) context.on_progress({p.progress, p.total, p.message});
    };
    auto result = pool_.call(server_, tool_, arguments, context.stop, on_progress);
    if (context.stop.stop_requested())
      return fail(ErrorCode::kCancelled, "cancelled", model_schema_.name);
    return tools::ToolOutput{std::move(result.text), result.is_error, {}, std::move(result.images)};
  }

 private:
  mcpclient::ServerPool& pool_;
  std::string server_;
  std::string tool_;
  tools::ToolSpec spec_;
  ToolSchema model_schema_;
};

namespace {

/// One definition: the catalog's definitions live as long as the host, and two of one name
/// (an agent and a restricted copy) are told apart.
std::string agent_key(const agents::AgentDefinition& agent) {
  return fmt::format("{}\n{}\n{}", static_cast<const void*>(&agent), agent.source.string(),
                     agent.name);
}

/// A server to list for one agent.
struct Reach {
  mcpclient::ServerPool* pool = nullptr;
  std::string server;
  std::vector<mcpclient::ToolInfo> tools;
  std::optional<Error> error;
};

}  // namespace

McpToolHost::McpToolHost(RegistryToolHost& own, McpServerSource& source, std::stop_token stop,
                         std::shared_ptr<spdlog::logger> log)
    : own_(own), source_(source), stop_(std::move(stop)), log_(std::move(log)) {}

McpToolHost::~McpToolHost() = default;

McpToolHost::Tools McpToolHost::list_tools(const agents::AgentDefinition& agent) const {
  ToolAccess access(agent);
  bool inline_servers =
      agent.mcp_servers && std::any_of(agent.mcp_servers->begin(), agent.mcp_servers->end(),
                                       [](const auto& s) { return !s.definition.is_null(); });
  if (!access.may_offer_mcp() || (!source_.any_configured() && !inline_servers)) return {};

  auto warn_once = [&](const std::string& text) {
    std::lock_guard lock(mutex_);
    if (reported_.emplace(text, true).second && log_) log_->warn("{}", text);
  };
  std::vector<Reach> reach;
  auto add = [&](mcpclient::ServerPool* pool, const std::string& server) {
    if (access.may_offer_server(server)) reach.push_back({pool, server, {}, {}});
  };
  mcpclient::ServerPool* configured = nullptr;
  if (source_.any_configured()) {
    auto pool = source_.configured();
    if (pool) {
      configured = *pool;
    } else {
      warn_once(fmt::format("MCP servers: {}", pool.error().to_string()));
    }
  }
  std::vector<std::string> usable;
  if (configured != nullptr) usable = configured->usable_servers();
  if (!agent.mcp_servers) {
    for (const auto& server : usable)
      add(configured, server);
  } else {
    mcpclient::ServerPool* own_servers = nullptr;
    if (inline_servers) {
      auto pool = source_.inline_servers(agent);
      if (pool) {
        own_servers = *pool;
      } else {
        warn_once(
            fmt::format("{}: mcpServers: {}", agent.source.string(), pool.error().to_string()));
      }
    }
    for (const auto& entry : *agent.mcp_servers) {
      if (!entry.definition.is_null()) {
        if (own_servers != nullptr) add(own_servers, entry.name);
      } else if (std::find(usable.begin(), usable.end(), entry.name) != usable.end()) {
        add(configured, entry.name);
      } else {
        warn_once(
            fmt::format("{}:{}:{}: agent {} names MCP server '{}' in mcpServers, but no "
                        "such server is configured (mcp_servers: in the config, or the "
                        "project's .mcp.json); its tools are left out",
                        agent.source.string(), entry.line, entry.column, agent.name, entry.name));
      }
    }
  }
  if (reach.empty()) return {};

  // Servers start side by side: the first turn waits for the slowest, not for their sum.
  {
    std::vector<std::jthread> starting;
    for (auto& r : reach) {
      starting.emplace_back([&r, this] {
        auto listed = r.pool->tools(r.server, stop_);
        if (listed) {
          r.tools = std::move(*listed);
        } else {
          r.error = listed.error();
        }
      });
    }
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> names;
  for (const auto& r : reach) {
    if (r.error && !stop_.stop_requested())
      warn_once(
          fmt::format("MCP server {}: its tools are left out: {}", r.server, r.error->to_string()));
    std::vector<std::string> tool_names;
    for (const auto& t : r.tools)
      tool_names.push_back(t.name);
    names.emplace_back(r.server, std::move(tool_names));
  }
  auto naming = mcpclient::name_tools(names);
  for (const auto& collision : naming.collisions)
    warn_once(fmt::format("MCP tool names: {}", collision));

  Tools out;
  std::size_t next = 0;
  for (const auto& r : reach) {
    for (const auto& info : r.tools) {
      const auto& named = naming.tools[next++];
      if (access.offers_mcp(named.name, r.server, info.name))
        out.push_back(std::make_shared<McpTool>(*r.pool, r.server, info, named.name));
    }
  }
  std::lock_guard lock(mutex_);
  by_agent_[agent_key(agent)] = out;
  return out;
}

std::vector<ToolSchema> McpToolHost::schemas_for(const agents::AgentDefinition& agent) const {
  std::vector<ToolSchema> out = own_.schemas_for(agent);
  for (const auto& tool : list_tools(agent))
    out.push_back(tool->model_schema());
  return out;
}

std::shared_ptr<McpToolHost::McpTool> McpToolHost::find(const agents::AgentDefinition& agent,
                                                        const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = by_agent_.find(agent_key(agent));
  if (it == by_agent_.end()) return nullptr;
  for (const auto& tool : it->second)
    if (tool->spec().schema.name == name) return tool;
  return nullptr;
}

Result<ToolResult> McpToolHost::execute(const agents::AgentDefinition& agent, const ToolCall& call,
                                        const tools::ToolContext& context) {
  if (!call.name.starts_with("mcp__")) return own_.execute(agent, call, context);
  auto tool = find(agent, call.name);
  if (tool == nullptr) {
    // A server's tools may have changed (tools/list_changed) since the request was made.
    list_tools(agent);
    tool = find(agent, call.name);
  }
  if (tool == nullptr) return own_.execute(agent, call, context);
  return own_.execute_other(agent, *tool, call, context);
}

bool McpToolHost::writes(const ToolCall& call) const {
  if (call.name.starts_with("mcp__")) return false;
  return own_.writes(call);
}

}  // namespace agentry::engine
