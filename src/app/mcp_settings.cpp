#include "app/mcp_settings.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "app/json_settings_file.hpp"

namespace agentry::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Result<json> read_mcp_json(const fs::path& file) {
  auto doc = read_json_settings(file, "write {\"mcpServers\": {\"NAME\": {\"command\": …}}}");
  if (!doc) return doc;
  auto servers = doc->find("mcpServers");
  if (servers == doc->end() || servers->is_null()) return json::object();
  if (!servers->is_object())
    return fail(ErrorCode::kConfig, "`mcpServers` must be an object of server names",
                file.string());
  return *servers;
}

}  // namespace

Result<McpServers> mcp_servers(const Settings& settings, const AppContext& ctx) {
  McpServers out;
  out.servers = settings.mcp_servers;
  const fs::path file = ctx.trust_advice.root / ".mcp.json";
  std::error_code ec;
  if (ctx.trust_advice.root.empty() || !fs::is_regular_file(file, ec)) return out;
  auto entries = read_mcp_json(file);
  if (!entries && ctx.project_trusted) return tl::make_unexpected(entries.error());
  if (!entries) return out;
  std::vector<std::string> blocked_names;
  for (const auto& [name, entry] : entries->items()) {
    bool configured = std::any_of(out.servers.begin(), out.servers.end(),
                                  [&](const auto& s) { return s.name == name; });
    if (configured) continue;
    auto where = [&](std::string_view pointer) {
      std::string key(pointer);
      std::replace(key.begin(), key.end(), '/', '.');
      return fmt::format("{}: mcpServers.{}{}", file.string(), name, key);
    };
    if (!ctx.project_trusted) {
      // Listed, never started: what it holds does not matter, and may not even parse.
      auto parsed = mcpclient::parse_server_config(name, entry, ctx.env, where);
      mcpclient::ServerConfig blocked = parsed ? *parsed : mcpclient::ServerConfig{};
      blocked.name = name;
      blocked.origin = where("");
      out.blocked.push_back(std::move(blocked));
      blocked_names.push_back(name);
      continue;
    }
    auto parsed = mcpclient::parse_server_config(name, entry, ctx.env, where);
    if (!parsed) return tl::make_unexpected(parsed.error());
    out.servers.push_back(std::move(*parsed));
  }
  if (!out.blocked.empty()) {
    out.blocked_reason = fmt::format(
        "the project {} is not trusted, so the MCP servers of its .mcp.json ({}) are not started; "
        "to trust it, add it to `trusted_projects:` in {} or pass --trust-project",
        ctx.trust_advice.root.string(), fmt::join(blocked_names, ", "),
        ctx.trust_advice.user_config.string());
  }
  return out;
}

}  // namespace agentry::app
