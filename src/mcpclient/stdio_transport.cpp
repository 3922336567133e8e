#include "mcpclient/stdio_transport.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/text.hpp"
#include "tools/process_runner.hpp"

namespace agentry::mcpclient {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxStderrLine = 4096;

/// Writes all of `data` to the pipe `fd` with SIGPIPE blocked on this thread only, so a server
/// that closed its stdin costs an EPIPE error rather than the process (no global handler).
bool write_all(int fd, std::string_view data) {
  sigset_t pipe_set;
  sigset_t old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  bool ok = true;
  bool got_epipe = false;
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      got_epipe = errno == EPIPE;
      ok = false;
      break;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  if (got_epipe) {
    // The SIGPIPE this thread raised is pending while blocked: take it before unblocking.
    timespec zero{};
    while (sigtimedwait(&pipe_set, nullptr, &zero) == SIGPIPE) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  return ok;
}

/// Splits what arrives on one descriptor into lines.
struct LineSplitter {
  std::string pending;
  bool overflow = false;

  /// Appends `bytes` and calls `on_line` for every whole line (without "\n" or a trailing "\r").
  /// Returns false when a line grew past `cap`.
  template <class OnLine>
  bool feed(std::string_view bytes, std::size_t cap, OnLine&& on_line) {
    pending.append(bytes);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(pending.data() + start, nl - start);
      if (line.ends_with('\r')) line.remove_suffix(1);
      on_line(line);
    }
    pending.erase(0, start);
    if (pending.size() > cap) {
      overflow = true;
      return false;
    }
    return true;
  }
};

}  // namespace

StdioTransport::StdioTransport(ServerConfig config, Environment parent_env, fs::path cwd,
                               std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      parent_env_(std::move(parent_env)),
      cwd_(std::move(cwd)),
      log_(std::move(log)) {}

StdioTransport::~StdioTransport() {
  close();
}

Result<void> StdioTransport::start(TransportEvents events) {
  events_ = std::move(events);
  const std::string where = fmt::format("MCP server `{}` ({})", config_.name, config_.origin);
  Environment env = tools::child_environment(parent_env_);
  env.unset("CARGO_TERM_COLOR");
  for (const auto& [name, value] : config_.env)
    env.set(name, value);
  fs::path dir = config_.cwd.empty() ? cwd_ : cwd_ / config_.cwd;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fail(ErrorCode::kConfig, fmt::format("its cwd {} is not a folder", dir.string()), where);
  auto program = tools::find_program(config_.command, env);
  if (!program)
    return fail(ErrorCode::kTool, fmt::format("program `{}` not found in PATH", config_.command),
                where, "install it, or give its full path as `command`");
  if (program->is_relative()) program = dir / *program;

  int in_fds[2];
  int out_fds[2];
  int err_fds[2];
  if (::pipe2(in_fds, O_CLOEXEC) != 0) return fail(ErrorCode::kTool, "cannot create a pipe", where);
  UniqueFd in_read(in_fds[0]);
  stdin_ = UniqueFd(in_fds[1]);
  if (::pipe2(out_fds, O_CLOEXEC) != 0)
    return fail(ErrorCode::kTool, "cannot create a pipe", where);
  stdout_ = UniqueFd(out_fds[0]);
  UniqueFd out_write(out_fds[1]);
  if (::pipe2(err_fds, O_CLOEXEC) != 0)
    return fail(ErrorCode::kTool, "cannot create a pipe", where);
  stderr_ = UniqueFd(err_fds[0]);
  UniqueFd err_write(err_fds[1]);
  wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_.valid()) return fail(ErrorCode::kTool, "cannot create an eventfd", where);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);

  std::vector<std::string> argv_text{config_.command};
  argv_text.insert(argv_text.end(), config_.args.begin(), config_.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (const auto& [name, value] : env.vars())
    env_text.push_back(fmt::format("{}={}", name, value));
  std::vector<char*> envp;
  for (auto& e : env_text)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program->c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return fail(ErrorCode::kTool,
                fmt::format("cannot start `{}`: {}", program->string(), std::strerror(rc)), where);
  child_.emplace(pid);
  if (log_)
    log_->debug("mcp {}: started `{}` (pid {})", config_.name, tools::display_command(argv_text),
                pid);
  reader_ = std::thread([this] { read_loop(); });
  return {};
}

Result<void> StdioTransport::send(const nlohmann::json& message) {
  std::string line = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  std::lock_guard lock(write_mutex_);
  if (!stdin_.valid() || !write_all(stdin_.get(), line))
    return fail(ErrorCode::kTool, "the server no longer reads its input (it has exited)",
                fmt::format("MCP server `{}`", config_.name));
  return {};
}

std::string StdioTransport::exit_description() {
  if (!child_ || !child_->has_exited()) return "closed its output";
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(child_->pid()), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
    return "exited";
  if (info.si_code == CLD_EXITED) return fmt::format("exited with status {}", info.si_status);
  return fmt::format("was killed by signal {} ({})", info.si_status, strsignal(info.si_status));
}

void StdioTransport::read_loop() {
  LineSplitter out;
  LineSplitter err;
  std::string reason;
  bool exited = false;
  char buffer[65536];
  while (!closing_.load()) {
    pollfd fds[4];
    nfds_t n = 0;
    if (stdout_.valid()) fds[n++] = {stdout_.get(), POLLIN, 0};
    if (stderr_.valid()) fds[n++] = {stderr_.get(), POLLIN, 0};
    fds[n++] = {wake_.get(), POLLIN, 0};
    int exit_fd = exited ? -1 : child_->exit_fd();
    if (exit_fd >= 0) fds[n++] = {exit_fd, POLLIN, 0};
    int timeout = exited ? 200 : (exit_fd < 0 ? 100 : -1);
    int ready = ::poll(fds, n, timeout);
    if (ready < 0 && errno != EINTR) break;
    if (ready == 0 && exited) break;  // exited and nothing more arrived: its output is done
    for (nfds_t i = 0; ready > 0 && i < n; ++i) {
      if (fds[i].revents == 0) continue;
      int fd = fds[i].fd;
      if (fd == wake_.get()) continue;
      if (fd == exit_fd) {
        exited = true;
        continue;
      }
      ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      bool is_out = fd == stdout_.get();
      if (got <= 0) {
        (is_out ? stdout_ : stderr_).reset();
        continue;
      }
      std::string_view bytes(buffer, static_cast<std::size_t>(got));
      if (is_out) {
        if (!out.feed(bytes, kMaxMessageBytes, [&](std::string_view line) {
              if (!trim(line).empty()) events_.on_message(line);
            })) {
          reason = fmt::format("sent a message over {} MiB", kMaxMessageBytes >> 20);
          stdout_.reset();
        }
      } else {
        err.feed(bytes, kMaxStderrLine, [&](std::string_view line) {
          if (log_) log_->info("mcp {} (stderr): {}", config_.name, line);
        });
        if (err.overflow) {
          if (log_) log_->info("mcp {} (stderr): {}", config_.name, err.pending);
          err.pending.clear();
          err.overflow = false;
        }
      }
    }
    if (!stdout_.valid() && !reason.empty()) break;
    if (!stdout_.valid() && !exited) {
      // A process closes its output as it exits: give the exit a moment to show.
      for (int i = 0; i < 10 && !child_->has_exited(); ++i)
        ::usleep(20'000);
      exited = child_->has_exited();
    }
    if (!stdout_.valid() && exited) break;
    if (!stdout_.valid() && !exited && reason.empty()) {
      // Output closed but the process lives on: it can no longer answer.
      reason = "closed its standard output";
      break;
    }
  }
  if (closing_.load()) return;
  if (reason.empty()) reason = exit_description();
  if (log_) log_->warn("mcp {}: the server {}", config_.name, reason);
  events_.on_closed(reason);
}

void StdioTransport::close() {
  if (closing_.exchange(true)) return;
  {
    std::lock_guard lock(write_mutex_);
    stdin_.reset();  // a well-behaved server exits at the end of its input
  }
  if (child_) {
    // A moment to exit on its own, then SIGTERM to the group, then (reap) SIGKILL.
    for (int signal : {0, SIGTERM}) {
      if (signal != 0) child_->signal_group(signal);
      for (int i = 0; i < 25 && !child_->has_exited(); ++i)
        ::usleep(20'000);
      if (child_->has_exited()) break;
    }
  }
  if (wake_.valid()) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  }
  if (reader_.joinable()) reader_.join();
  if (child_) child_->reap();
}

}  // namespace agentry::mcpclient
