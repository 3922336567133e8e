#pragma once
/// The stdio transport: the server is a child process leading its own process group, fed
/// newline-delimited JSON-RPC on stdin and answering on stdout; its stderr goes to agentry's log.
/// Its environment is agentry's without secrets (tools::child_environment: no provider API key,
/// nothing named *TOKEN* or *APIKEY*) plus the server's own `env`, which may set any of them
/// again. close() closes its stdin, gives it a moment to exit, then kills its whole group;
/// destroying the transport does the same, so no path leaves a server running.
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <spdlog/logger.h>

#include "core/environment.hpp"
#include "core/unique_fd.hpp"
#include "mcpclient/server_config.hpp"
#include "mcpclient/transport.hpp"
#include "tools/child_process.hpp"

namespace agentry::mcpclient {

/// A message line longer than this ends the connection (the server is broken or hostile).
inline constexpr std::size_t kMaxMessageBytes = 32 << 20;

class StdioTransport final : public Transport {
 public:
  /// `cwd` is where the child starts when the config names no `cwd` (relative ones are under it).
  StdioTransport(ServerConfig config, Environment parent_env, std::filesystem::path cwd,
                 std::shared_ptr<spdlog::logger> log);
  ~StdioTransport() override;
  StdioTransport(const StdioTransport&) = delete;
  StdioTransport& operator=(const StdioTransport&) = delete;

  [[nodiscard]] Result<void> start(TransportEvents events) override;
  [[nodiscard]] Result<void> send(const nlohmann::json& message) override;
  void close() override;

  /// The child's process id (its group id too); -1 before start.
  pid_t pid() const { return child_ ? child_->pid() : -1; }

 private:
  void read_loop();
  std::string exit_description();

  ServerConfig config_;
  Environment parent_env_;
  std::filesystem::path cwd_;
  std::shared_ptr<spdlog::logger> log_;
  TransportEvents events_;
  std::optional<tools::ChildProcess> child_;
  std::mutex write_mutex_;
  UniqueFd stdin_;
  UniqueFd stdout_;
  UniqueFd stderr_;
  UniqueFd wake_;  // an eventfd: close() wakes the reader with it
  std::atomic<bool> closing_{false};
  std::thread reader_;
};

}  // namespace agentry::mcpclient
