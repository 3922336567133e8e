#include "tools/process_runner.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "core/unique_fd.hpp"
#include "tools/capped_text.hpp"
#include "tools/child_process.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

Environment child_environment(const Environment& parent) {
  Environment out;
  for (const auto& [name, value] : parent.vars()) {
    std::string upper(name);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    bool secret = parent.is_secret(name) || upper.find("TOKEN") != std::string::npos ||
                  upper.find("APIKEY") != std::string::npos;
    if (secret || upper == "RUST_BACKTRACE") continue;
    out.set(name, value);
  }
  out.set("CARGO_TERM_COLOR", "never");
  return out;
}

std::optional<fs::path> find_program(std::string_view name, const Environment& environment) {
  if (name.find('/') != std::string_view::npos) return fs::path(name);
  std::string path = environment.get_or("PATH", "/usr/local/bin:/usr/bin:/bin");
  std::string_view rest(path);
  while (true) {
    auto colon = rest.find(':');
    std::string_view dir = rest.substr(0, colon);
    fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

std::string display_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$`") == std::string::npos;
    out += plain ? arg : "'" + arg + "'";
  }
  return out;
}

namespace {

/// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawnattr_t attr{};
  posix_spawn_file_actions_t actions{};
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

Result<std::pair<UniqueFd, UniqueFd>> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return fail(ErrorCode::kTool, fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  return std::pair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

/// An in-memory file holding `text`, positioned at its start: the child's stdin.
Result<UniqueFd> input_file(const std::string& text) {
  UniqueFd fd(::memfd_create("agentry-stdin", MFD_CLOEXEC));
  if (!fd.valid())
    return fail(ErrorCode::kTool, fmt::format("cannot create stdin: {}", std::strerror(errno)));
  for (std::size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return fail(ErrorCode::kTool, fmt::format("cannot write stdin: {}", std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
  ::lseek(fd.get(), 0, SEEK_SET);
  return fd;
}

/// One output stream being read into its capped buffer.
struct Stream {
  UniqueFd fd;
  CappedBuffer buffer;
  /// Reads what is available; closes the descriptor at end of file.
  void read_some() {
    char chunk[65536];
    ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n > 0) {
      buffer.append(std::string_view(chunk, static_cast<std::size_t>(n)));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      fd.reset();
    }
  }
  CapturedStream captured() const { return {buffer.text(), buffer.total(), buffer.dropped()}; }
};

/// The inode that names the pipe `fd` belongs to in /proc/PID/fd ("pipe:[INODE]").
ino_t pipe_inode(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/// Kills every other process that holds one of `pipes` open. Only the child and what it started
/// ever had these pipes, so a holder still alive after the child's group was killed is a
/// descendant that left the group (setsid, a double fork into a new session) but kept its output:
/// without this it would outlive the call and the call would wait on its pipe until the drain
/// ran out.
void kill_pipe_holders(const std::vector<ino_t>& pipes) {
  std::vector<std::string> targets;
  for (ino_t inode : pipes) {
    if (inode != 0) targets.push_back(fmt::format("pipe:[{}]", inode));
  }
  if (targets.empty()) return;
  const std::string self = std::to_string(::getpid());
  // Every step with an error_code: a process that ends mid-walk makes its folder vanish, and a
  // throwing increment would end agentry from the tool's thread.
  std::error_code ec;
  for (fs::directory_iterator proc("/proc", ec), end; !ec && proc != end; proc.increment(ec)) {
    std::string pid = proc->path().filename().string();
    pid_t number = 0;
    auto [last, error] = std::from_chars(pid.data(), pid.data() + pid.size(), number);
    if (pid == self || error != std::errc() || last != pid.data() + pid.size()) continue;
    std::error_code fd_ec;
    for (fs::directory_iterator fd(proc->path() / "fd", fd_ec); !fd_ec && fd != end;
         fd.increment(fd_ec)) {
      std::error_code link_ec;
      std::string link = fs::read_symlink(fd->path(), link_ec).string();
      if (link_ec || std::find(targets.begin(), targets.end(), link) == targets.end()) continue;
      ::kill(number, SIGKILL);
      break;
    }
  }
}

}  // namespace

Result<ProcessResult> PosixProcessRunner::run(const ProcessRequest& request, std::stop_token stop) {
  if (request.argv.empty()) return fail(ErrorCode::kInternal, "empty argv", "process runner");
  const std::string& name = request.argv.front();
  std::error_code ec;
  if (!fs::is_directory(request.cwd, ec))
    return fail(ErrorCode::kTool,
                fmt::format("working directory {} does not exist", request.cwd.string()), name);
  auto program = find_program(name, request.environment);
  if (!program)
    return fail(ErrorCode::kTool, fmt::format("program `{}` not found in PATH", name), name,
                "install it or add its folder to PATH");
  if (program->is_relative()) program = request.cwd / *program;
  if (stop.stop_requested())
    return fail(ErrorCode::kCancelled, "cancelled before it started",
                display_command(request.argv));

  auto out_pipe = make_pipe();
  if (!out_pipe) return tl::make_unexpected(out_pipe.error());
  auto err_pipe = make_pipe();
  if (!err_pipe) return tl::make_unexpected(err_pipe.error());
  UniqueFd cancel_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!cancel_fd.valid())
    return fail(ErrorCode::kTool,
                fmt::format("cannot create an eventfd: {}", std::strerror(errno)));

  UniqueFd stdin_fd;
  if (request.input) {
    auto made = input_file(*request.input);
    if (!made) return tl::make_unexpected(made.error());
    stdin_fd = std::move(*made);
  }
  SpawnSetup setup;
  if (stdin_fd.valid()) {
    posix_spawn_file_actions_adddup2(&setup.actions, stdin_fd.get(), 0);
  } else {
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&setup.actions, out_pipe->second.get(), 1);
  posix_spawn_file_actions_adddup2(&setup.actions, err_pipe->second.get(), 2);
  // Each passed descriptor is first copied above the targets (3, 4, …), so that no dup2 has the
  // same source and target (which would keep its close-on-exec flag) or overwrites a source.
  const int first_free = 3 + static_cast<int>(request.pass_fds.size());
  std::vector<UniqueFd> passed;
  for (std::size_t i = 0; i < request.pass_fds.size(); ++i) {
    passed.emplace_back(::fcntl(request.pass_fds[i], F_DUPFD_CLOEXEC, first_free));
    if (!passed.back().valid())
      return fail(ErrorCode::kTool, fmt::format("cannot pass descriptor {} to the child: {}",
                                                request.pass_fds[i], std::strerror(errno)));
    posix_spawn_file_actions_adddup2(&setup.actions, passed.back().get(), 3 + static_cast<int>(i));
  }
  posix_spawn_file_actions_addchdir_np(&setup.actions, request.cwd.c_str());
  // Descriptors another thread opened without O_CLOEXEC must not leak into the child.
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, first_free);
  sigset_t no_signals;
  sigset_t all_signals;
  sigemptyset(&no_signals);
  sigfillset(&all_signals);
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setsigmask(&setup.attr, &no_signals);
  posix_spawnattr_setsigdefault(&setup.attr, &all_signals);

  std::vector<std::string> env_strings;
  for (const auto& [key, value] : request.environment.vars())
    env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (const auto& a : request.argv)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  auto started = Clock::now();
  pid_t pid = -1;
  int rc =
      ::posix_spawn(&pid, program->c_str(), &setup.actions, &setup.attr, argv.data(), envp.data());
  if (rc != 0)
    return fail(ErrorCode::kTool,
                fmt::format("cannot start `{}`: {}", program->string(), std::strerror(rc)), name);
  ChildProcess child(pid);
  out_pipe->second.reset();
  err_pipe->second.reset();

  std::stop_callback on_stop(stop, [fd = cancel_fd.get()] {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd, &one, sizeof one);
  });

  Stream out{std::move(out_pipe->first), CappedBuffer(request.capture_cap)};
  Stream err{std::move(err_pipe->first), CappedBuffer(request.capture_cap)};
  const std::vector<ino_t> pipes{pipe_inode(out.fd.get()), pipe_inode(err.fd.get())};
  ProcessResult result;
  bool cancelled = false;
  bool exited = false;
  enum class Phase { kRunning, kTerminating, kKilled } phase = Phase::kRunning;
  auto deadline = started + request.timeout;
  // After the leader exits, its group is killed; output still in flight is drained briefly.
  auto drain_deadline = Clock::time_point::max();

  while (true) {
    if (exited && (!out.fd.valid() && !err.fd.valid())) break;
    auto now = Clock::now();
    if (exited && now >= drain_deadline) {
      kill_pipe_holders(pipes);
      break;
    }
    if (!exited && now >= deadline) {
      if (phase == Phase::kRunning || phase == Phase::kTerminating) {
        bool first = phase == Phase::kRunning;
        if (first && !cancelled) result.timed_out = true;
        child.signal_group(first ? SIGTERM : SIGKILL);
        phase = first ? Phase::kTerminating : Phase::kKilled;
        deadline = first ? now + request.kill_grace : Clock::time_point::max();
      }
    }
    auto wake = exited ? drain_deadline : deadline;
    int timeout_ms = -1;
    if (wake != Clock::time_point::max())
      timeout_ms = static_cast<int>(std::clamp<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1, 0,
          60'000));
    if (child.exit_fd() < 0 && !exited) timeout_ms = timeout_ms < 0 ? 20 : std::min(timeout_ms, 20);

    pollfd fds[4];
    nfds_t count = 0;
    auto add = [&](int fd) {
      if (fd >= 0) fds[count++] = pollfd{fd, POLLIN, 0};
    };
    add(out.fd.get());
    add(err.fd.get());
    add(exited ? -1 : child.exit_fd());
    add(cancelled ? -1 : cancel_fd.get());
    int ready = ::poll(fds, count, timeout_ms);
    if (ready < 0 && errno != EINTR) break;
    for (nfds_t i = 0; ready > 0 && i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == out.fd.get()) {
        out.read_some();
      } else if (fds[i].fd == err.fd.get()) {
        err.read_some();
      } else if (fds[i].fd == cancel_fd.get()) {
        cancelled = true;
        if (phase == Phase::kRunning) {
          child.signal_group(SIGTERM);
          phase = Phase::kTerminating;
          deadline = Clock::now() + request.kill_grace;
        }
      }
    }
    if (!exited && child.has_exited()) {
      exited = true;
      child.signal_group(SIGKILL);
      drain_deadline = Clock::now() + std::chrono::milliseconds(500);
    }
  }

  int status = child.reap();
  result.pid = pid;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  result.out = out.captured();
  result.err = err.captured();
  if (cancelled)
    return fail(ErrorCode::kCancelled, "cancelled; the process and its children were stopped",
                display_command(request.argv));
  return result;
}

}  // namespace agentry::tools
