#pragma once
// The real MCP servers of tests/mcp_servers (npm: server-filesystem, server-memory,
// server-everything, installed by .ci/build) and what the tests against them share: finding
// them (or printing the skip marker), finding processes by a word of their command line, and a
// free TCP port for server-everything's Streamable HTTP mode.
#include <arpa/inet.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <netinet/in.h>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "core/build_paths.hpp"

namespace agentry::testing {

struct RealMcpServers {
  std::string node;
  std::filesystem::path packages;  ///< tests/mcp_servers/node_modules/@modelcontextprotocol
  /// The entry point of `name` (server-filesystem, server-memory, server-everything).
  std::string script(std::string_view name) const {
    return (packages / std::string(name) / "dist" / "index.js").string();
  }
};

/// node and the installed servers; nullopt after printing the skip marker when either is
/// missing (no npm on the machine: .ci/build installs them wherever npm is).
inline std::optional<RealMcpServers> real_mcp_servers() {
  namespace fs = std::filesystem;
  fs::path packages = fs::path(AGENTRY_SOURCE_DIR) / "tests" / "mcp_servers" / "node_modules" /
                      "@modelcontextprotocol";
  std::string node;
  for (const char* dir : {"/usr/local/bin", "/usr/bin", "/bin"}) {
    if (::access((fs::path(dir) / "node").c_str(), X_OK) == 0) {
      node = (fs::path(dir) / "node").string();
      break;
    }
  }
  std::error_code ec;
  if (node.empty() || !fs::is_directory(packages / "server-everything", ec)) {
    std::cout << "agentry-test-skipped: needs node and the npm packages of tests/mcp_servers "
                 "(.ci/build runs `npm ci` there when npm is installed)"
              << std::endl;
    return std::nullopt;
  }
  return RealMcpServers{node, packages};
}

/// The processes whose command line holds `word` (this test process excluded).
inline std::vector<pid_t> processes_with(std::string_view word) {
  namespace fs = std::filesystem;
  std::vector<pid_t> found;
  std::error_code ec;
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid()) continue;
    std::ifstream in(it->path() / "cmdline", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string cmdline = text.str();
    if (cmdline.find(word) != std::string::npos) {
      // A zombie has an empty cmdline; anything that still runs counts.
      found.push_back(pid);
    }
  }
  return found;
}

/// Waits up to `limit` for no process to hold `word` in its command line.
inline bool none_left_with(std::string_view word,
                           std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!processes_with(word).empty()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

/// A TCP port of 127.0.0.1 free right now.
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

/// Waits up to `limit` for something to accept connections on 127.0.0.1:`port`.
inline bool wait_for_port(int port, std::chrono::seconds limit = std::chrono::seconds(20)) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace agentry::testing
