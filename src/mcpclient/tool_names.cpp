#include "mcpclient/tool_names.hpp"

#include <cstdint>
#include <map>

#include <fmt/format.h>

namespace agentry::mcpclient {

namespace {

constexpr std::size_t kHashedPrefix = kMaxToolNameLength - 9;  // "_" and 8 hex digits

std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::string fit(std::string name) {
  if (name.size() <= kMaxToolNameLength) return name;
  return fmt::format("{}_{:08x}", name.substr(0, kHashedPrefix), fnv1a(name));
}

}  // namespace

std::string sanitize_name_part(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out.empty() ? "_" : out;
}

ToolNaming name_tools(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& servers) {
  ToolNaming naming;
  std::map<std::string, std::size_t, std::less<>> taken;  // name -> index in naming.tools
  for (const auto& [server, tools] : servers) {
    for (const auto& tool : tools) {
      std::string base =
          fit(fmt::format("mcp__{}__{}", sanitize_name_part(server), sanitize_name_part(tool)));
      std::string name = base;
      for (int n = 2; taken.contains(name); ++n) {
        std::string suffix = fmt::format("_{}", n);
        name = base.substr(0, std::min(base.size(), kMaxToolNameLength - suffix.size())) + suffix;
      }
      if (name != base) {
        const NamedTool& owner = naming.tools[taken.find(base)->second];
        naming.collisions.push_back(
            fmt::format("{} (server {}, tool {}) is called {}: {} is taken by server {}, tool {}",
                        base, server, tool, name, base, owner.server, owner.tool));
      }
      taken.emplace(name, naming.tools.size());
      naming.tools.push_back({name, server, tool});
    }
  }
  return naming;
}

}  // namespace agentry::mcpclient
