#include "mcpclient/server_pool.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "llm/redact.hpp"
#include "mcpclient/http_transport.hpp"
#include "mcpclient/stdio_transport.hpp"
#include "tools/process_runner.hpp"

namespace agentry::mcpclient {

using nlohmann::json;

const char* to_string(ServerState state) {
  switch (state) {
    case ServerState::kNotStarted:
      return "not started";
    case ServerState::kRunning:
      return "running";
    case ServerState::kExited:
      return "exited";
    case ServerState::kFailed:
      return "failed";
    case ServerState::kDisabled:
      return "disabled";
    case ServerState::kBlocked:
      return "blocked";
  }
  return "unknown";
}

struct ServerPool::Entry {
  ServerConfig config;
  bool blocked = false;
  mutable std::mutex mutex;
  std::shared_ptr<Client> client;
  ServerState state = ServerState::kNotStarted;
  std::string detail;
  int restarts = 0;
  std::optional<std::vector<ToolInfo>> tools;
};

ServerPool::ServerPool(std::vector<ServerConfig> servers, std::vector<ServerConfig> blocked,
                       std::string blocked_reason, PoolOptions options)
    : options_(std::move(options)), blocked_reason_(std::move(blocked_reason)) {
  for (auto& config : servers) {
    auto entry = std::make_unique<Entry>();
    if (!config.enabled) entry->state = ServerState::kDisabled;
    entry->config = std::move(config);
    entries_.push_back(std::move(entry));
  }
  for (auto& config : blocked) {
    auto entry = std::make_unique<Entry>();
    entry->blocked = true;
    entry->state = ServerState::kBlocked;
    entry->detail = blocked_reason_;
    entry->config = std::move(config);
    entries_.push_back(std::move(entry));
  }
}

ServerPool::~ServerPool() {
  stop_all();
}

void ServerPool::stop_all() {
  for (auto& entry : entries_) {
    std::shared_ptr<Client> client;
    {
      std::lock_guard lock(entry->mutex);
      client = std::move(entry->client);
      if (entry->state == ServerState::kRunning || entry->state == ServerState::kExited)
        entry->state = ServerState::kNotStarted;
    }
    client.reset();  // the last owner ends the server
  }
}

ServerPool::Entry* ServerPool::find(std::string_view server) const {
  for (const auto& entry : entries_) {
    if (entry->config.name == server) return entry.get();
  }
  return nullptr;
}

std::vector<ServerStatus> ServerPool::servers() const {
  std::vector<ServerStatus> out;
  for (const auto& entry : entries_) {
    std::lock_guard lock(entry->mutex);
    ServerStatus status;
    status.name = entry->config.name;
    status.origin = entry->config.origin;
    status.transport = entry->config.transport;
    status.state = entry->state;
    status.detail = entry->detail;
    if (entry->client && !entry->client->alive()) {
      status.state = ServerState::kExited;
      status.detail = entry->client->closed_reason();
    }
    if (entry->config.transport == TransportKind::kStdio) {
      std::vector<std::string> argv{entry->config.command};
      argv.insert(argv.end(), entry->config.args.begin(), entry->config.args.end());
      status.target = tools::display_command(argv);
    } else {
      status.target = llm::redact_url(entry->config.url);
    }
    out.push_back(std::move(status));
  }
  return out;
}

std::vector<std::string> ServerPool::usable_servers() const {
  std::vector<std::string> out;
  for (const auto& entry : entries_) {
    if (!entry->blocked && entry->config.enabled) out.push_back(entry->config.name);
  }
  return out;
}

Result<std::shared_ptr<Client>> ServerPool::connect(Entry& entry, std::stop_token stop) {
  const std::string where =
      fmt::format("MCP server `{}` ({})", entry.config.name, entry.config.origin);
  std::lock_guard lock(entry.mutex);
  if (entry.blocked)
    return fail(ErrorCode::kPermission, fmt::format("not started: {}", blocked_reason_), where);
  if (!entry.config.enabled)
    return fail(ErrorCode::kConfig, "it is disabled (`enabled: false`)", where);
  if (entry.client && entry.client->alive()) return entry.client;
  if (entry.client) {
    // It died since the last call: start it again, once.
    std::string reason = entry.client->closed_reason();
    entry.client.reset();
    entry.tools.reset();
    if (entry.restarts >= 1) {
      entry.state = ServerState::kFailed;
      entry.detail = fmt::format("it {} again after its restart", reason);
    } else {
      ++entry.restarts;
      entry.state = ServerState::kNotStarted;
      if (options_.log)
        options_.log->warn("mcp {}: the server {}; starting it again", entry.config.name, reason);
    }
  }
  if (entry.state == ServerState::kFailed)
    return fail(ErrorCode::kTool, fmt::format("the server is not available: {}", entry.detail),
                where, "fix it and start agentry again; `agentry mcp list` shows its state");

  std::unique_ptr<Transport> transport;
  switch (entry.config.transport) {
    case TransportKind::kStdio:
      transport =
          std::make_unique<StdioTransport>(entry.config, options_.env, options_.cwd, options_.log);
      break;
    case TransportKind::kHttp:
      if (options_.curl == nullptr)
        return fail(ErrorCode::kInternal, "no HTTP client for an HTTP server", where);
      transport = std::make_unique<HttpTransport>(
          entry.config, *options_.curl, llm::ProxyEnvironment::from(options_.env), options_.log);
      break;
    case TransportKind::kSse:
      entry.state = ServerState::kFailed;
      entry.detail = "the legacy HTTP+SSE transport (`type: sse`) is not supported";
      return fail(ErrorCode::kConfig, entry.detail, where,
                  "use the server's Streamable HTTP endpoint with `type: http`");
  }
  auto client = std::make_shared<Client>(std::move(transport), entry.config.name, options_.log);
  auto info = client->initialize(std::min(entry.config.timeout, kMaxInitializeTimeout), stop);
  if (!info) {
    Error error = info.error();
    if (error.code != ErrorCode::kCancelled) {
      entry.state = ServerState::kFailed;
      entry.detail = error.message;
    }
    if (error.where.empty() || error.where.starts_with("MCP server")) error.where = where;
    return tl::make_unexpected(error);
  }
  entry.state = ServerState::kRunning;
  entry.detail = fmt::format("{} {}, MCP {}", info->name, info->version, info->protocol_version);
  entry.client = client;
  return client;
}

Result<std::vector<ToolInfo>> ServerPool::tools(std::string_view server, std::stop_token stop) {
  Entry* entry = find(server);
  if (entry == nullptr)
    return fail(ErrorCode::kNotFound, fmt::format("no MCP server named `{}`", server),
                "mcp_servers", "`agentry mcp list` shows the configured servers");
  auto client = connect(*entry, stop);
  if (!client) return tl::make_unexpected(client.error());
  {
    std::lock_guard lock(entry->mutex);
    if (entry->tools && !(*client)->tools_changed()) return *entry->tools;
  }
  auto listed = (*client)->list_tools(entry->config.timeout, stop);
  if (!listed) return tl::make_unexpected(listed.error());
  std::lock_guard lock(entry->mutex);
  entry->tools = *listed;
  return *listed;
}

CallResult ServerPool::call(std::string_view server, std::string_view tool, const json& arguments,
                            std::stop_token stop, const ProgressFn& on_progress) {
  Entry* entry = find(server);
  if (entry == nullptr) return {fmt::format("no MCP server named `{}`", server), true};
  auto client = connect(*entry, stop);
  if (!client)
    return {fmt::format("MCP tool {} of server `{}` cannot run: {}", tool, server,
                        client.error().to_string()),
            true};
  auto result =
      (*client)->call_tool(std::string(tool), arguments, entry->config.timeout, stop, on_progress);
  if (result) return render_call_result(*result, options_.output_cap);
  const Error& error = result.error();
  if (error.code == ErrorCode::kCancelled)
    return {fmt::format("the call of MCP tool {} on server `{}` was cancelled", tool, server),
            true};
  if (!(*client)->alive())
    return {fmt::format("MCP server `{}` {} during the call of {}; it is started again on the next "
                        "call",
                        server, (*client)->closed_reason(), tool),
            true};
  return {fmt::format("MCP tool {} of server `{}` failed: {}", tool, server, error.message), true};
}

Result<void> ServerPool::ping(std::string_view server, std::stop_token stop) {
  Entry* entry = find(server);
  if (entry == nullptr)
    return fail(ErrorCode::kNotFound, fmt::format("no MCP server named `{}`", server));
  auto client = connect(*entry, stop);
  if (!client) return tl::make_unexpected(client.error());
  return (*client)->ping(entry->config.timeout, stop);
}

}  // namespace agentry::mcpclient
