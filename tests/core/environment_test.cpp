#include "core/environment.hpp"

#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

namespace agentry {
namespace {

TEST_CASE("secret names: the patterns, never a variable tools need") {
  for (const char* name :
       {"OPENAI_API_KEY", "MY_APIKEY", "CARGO_REGISTRY_TOKEN", "GH_TOKEN", "X_SECRET",
        "DB_PASSWORD", "LDAP_PASSWD", "GCP_CREDENTIALS", "AWS_REGION", "SIGNING_KEY"}) {
    CAPTURE(name);
    CHECK(is_secret_variable(name));
  }
  for (const char* name : {"PATH", "HOME", "USER", "LANG", "LC_ALL", "TERM", "TMPDIR", "CARGO_HOME",
                           "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "XDG_CONFIG_HOME"}) {
    CAPTURE(name);
    CHECK(is_tool_variable(name));
    CHECK_FALSE(is_secret_variable(name));
    Environment env;
    CHECK_FALSE(env.mark_secret(name));
    CHECK_FALSE(env.is_secret(name));
  }
  Environment env;
  CHECK(env.mark_secret("TEAM_GATE"));
  CHECK(env.is_secret("TEAM_GATE"));
}

TEST_CASE("wiping overwrites the values of secret variables in place, and nothing else") {
  std::vector<std::string> storage = {"PATH=/usr/bin", "OPENAI_API_KEY=sk-canary-123456",
                                      "TEAM_GATE=gate-secret", "NOEQUALS", "HOME=/home/u"};
  std::vector<char*> entries;
  for (auto& s : storage)
    entries.push_back(s.data());
  entries.push_back(nullptr);
  const std::vector<std::size_t> sizes = {storage[1].size(), storage[2].size()};
  Environment env;
  env.mark_secret("TEAM_GATE");
  wipe_secret_values(entries.data(), env);
  CHECK(std::string(entries[0]) == "PATH=/usr/bin");
  CHECK(std::string(entries[1]) == "OPENAI_API_KEY=");
  CHECK(storage[1].size() == sizes[0]);  // same bytes, zeroed: the block keeps its layout
  CHECK(storage[1].find("canary") == std::string::npos);
  CHECK(std::string(entries[2]) == "TEAM_GATE=");
  CHECK(std::string(entries[3]) == "NOEQUALS");
  CHECK(std::string(entries[4]) == "HOME=/home/u");
}

TEST_CASE("the process's own block, as /proc/self/environ shows it, loses the secret values") {
  // In a forked copy of this test process: wipe one variable it was started with, then read
  // /proc/self/environ (what root, or anyone while the process is dumpable, reads of agentry).
  std::string entry;
  Environment marks;
  for (char** e = environ; *e != nullptr && entry.empty(); ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 4 > kv.size()) continue;
    if (marks.mark_secret(std::string(kv.substr(0, eq)))) entry = kv;
  }
  REQUIRE_MESSAGE(!entry.empty(), "the test runs with no environment variable to wipe");
  CAPTURE(entry);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    static char buffer[1 << 20];
    wipe_process_secrets(marks);
    int fd = ::open("/proc/self/environ", O_RDONLY);
    std::size_t size = 0;
    for (ssize_t n; fd >= 0 && (n = ::read(fd, buffer + size, sizeof buffer - size)) > 0;)
      size += static_cast<std::size_t>(n);
    std::string_view block(buffer, size);
    auto name_end = entry.find('=') + 1;
    bool value_gone = block.find(entry) == std::string_view::npos;
    bool name_kept = block.find(entry.substr(0, name_end)) != std::string_view::npos;
    ::_exit(fd >= 0 && value_gone && name_kept ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace agentry
