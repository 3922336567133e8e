// agentry-peak-rss OUT PROGRAM [ARGS…]: runs PROGRAM with this process's stdio and environment,
// waits for it, writes its peak resident memory in KiB (wait4's ru_maxrss) to the file OUT, and
// exits as PROGRAM did (128 + the signal when a signal ended it).
//
// Why a helper: Linux starts a new program's ru_maxrss at the size of the process that execs it,
// and a test process spawning it can be hundreds of MB (under AddressSanitizer, its quarantine
// and shadow memory). Spawned from this small program instead, the figure is PROGRAM's own.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: agentry-peak-rss OUT PROGRAM [ARGS...]\n");
    return 2;
  }
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[2], nullptr, nullptr, argv + 2, environ);
  if (rc != 0) {
    std::fprintf(stderr, "agentry-peak-rss: cannot start %s: %s\n", argv[2], std::strerror(rc));
    return 127;
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      std::perror("agentry-peak-rss: wait4");
      return 127;
    }
  }
  if (std::FILE* out = std::fopen(argv[1], "w"); out != nullptr) {
    std::fprintf(out, "%ld\n", usage.ru_maxrss);
    std::fclose(out);
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
