#pragma once
// End-to-end harness for the cli tests: the real `agentry` binary (AGENTRY_BIN) run in a private
// home — config, data (the session store) and workspace in one temporary directory — against a
// scripted fake LLM server on 127.0.0.1, with no real keys and cargo on PATH.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "core/build_paths.hpp"
#include "core/config.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "support/spawned_process.hpp"
#include "support/temp_dir.hpp"

namespace agentry::cli::e2e {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string agentry_bin() {
  const char* bin = std::getenv("AGENTRY_BIN");
  return bin != nullptr ? bin : std::string(AGENTRY_BINARY_DIR) + "/agentry";
}

/// The repository (examples/, the stream-json schema).
inline fs::path source_dir() {
  return fs::path(AGENTRY_TEST_FIXTURES).parent_path().parent_path();
}

/// Starts the fake server on a script given as YAML text.
inline std::unique_ptr<fakellm::FakeLlmServer> start_fake(std::string_view yaml) {
  auto doc = yaml_to_json(yaml, "script");
  REQUIRE_MESSAGE(doc.has_value(), (doc ? "" : doc.error().to_string()));
  auto script = fakellm::parse_script(*doc);
  REQUIRE_MESSAGE(script.has_value(), (script ? "" : script.error().to_string()));
  auto server = fakellm::FakeLlmServer::start(std::move(*script));
  REQUIRE_MESSAGE(server.has_value(), (server ? "" : server.error().to_string()));
  return std::move(*server);
}

/// Every line of `text` parsed as JSON (a line that is not JSON fails the test).
inline std::vector<json> json_lines(const std::string& text) {
  std::vector<json> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    auto parsed = json::parse(line, nullptr, false);
    REQUIRE_MESSAGE(!parsed.is_discarded(), "not JSON: " << line);
    out.push_back(std::move(parsed));
  }
  return out;
}

/// Copies a directory tree (a fixture crate into a workspace), leaving out target/.
inline void copy_crate(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) {
    if (entry.path().filename() == "target") continue;
    fs::copy(entry.path(), to / entry.path().filename(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
}

/// A private home for agentry runs: root/{home,config,data,ws}.
class AgentryHome {
 public:
  AgentryHome() {
    for (const char* dir : {"home", "config", "data", "ws"})
      fs::create_directories(root_.path() / dir);
  }

  const fs::path& root() const { return root_.path(); }
  fs::path ws() const { return root_.path() / "ws"; }
  fs::path session_db() const { return root_.path() / "data" / "agentry" / "sessions.db"; }

  /// Writes the user config file ($XDG_CONFIG_HOME/agentry/config.yaml).
  void write_config(std::string_view yaml) const {
    root_.write("config/agentry/config.yaml", yaml);
  }

  /// The child's whole environment: a fake home, no keys, cargo from the real toolchain.
  std::map<std::string, std::string> env(const std::string& base_url) const {
    std::string real_home = std::getenv("HOME") != nullptr ? std::getenv("HOME") : "/root";
    auto from_test = [&](const char* name, std::string fallback) {
      const char* v = std::getenv(name);
      return v != nullptr && *v != '\0' ? std::string(v) : fallback;
    };
    std::map<std::string, std::string> env{
        {"HOME", (root() / "home").string()},
        {"XDG_CONFIG_HOME", (root() / "config").string()},
        {"XDG_DATA_HOME", (root() / "data").string()},
        {"PATH", real_home + "/.cargo/bin:/usr/local/bin:/usr/bin:/bin"},
        {"CARGO_HOME", from_test("CARGO_HOME", real_home + "/.cargo")},
        {"RUSTUP_HOME", from_test("RUSTUP_HOME", real_home + "/.rustup")},
        {"RUSTUP_AUTO_INSTALL", "0"},
        {"NO_COLOR", "1"},
    };
    if (!base_url.empty()) env["OPENAI_BASE_URL"] = base_url;
    return env;
  }

  /// How to run `agentry --cwd WS ARGS…` against `server` (null: no model server at all).
  testing::SpawnOptions spawn_options(std::vector<std::string> args,
                                      const fakellm::FakeLlmServer* server,
                                      std::optional<std::string> stdin_text = std::nullopt) const {
    testing::SpawnOptions options;
    options.argv = {agentry_bin(), "--cwd", ws().string()};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.env = env(server != nullptr ? server->url("/v1") : "");
    options.stdin_text = std::move(stdin_text);
    options.cwd = ws();
    return options;
  }

  testing::ProcessOutcome run(std::vector<std::string> args, const fakellm::FakeLlmServer* server,
                              std::optional<std::string> stdin_text = std::nullopt) const {
    return testing::run_process(spawn_options(std::move(args), server, std::move(stdin_text)));
  }

  /// Runs a command of the toolchain (cargo …) in the workspace, with the same environment.
  testing::ProcessOutcome run_tool(std::vector<std::string> argv) const {
    testing::SpawnOptions options;
    auto env = this->env("");
    argv[0] = env["PATH"].substr(0, env["PATH"].find(':')) + "/" + argv[0];
    options.argv = std::move(argv);
    options.env = std::move(env);
    options.cwd = ws();
    return testing::run_process(options);
  }

 private:
  testing::TempDir root_{"agentry-e2e"};
};

#ifdef AGENTRY_PEAK_RSS_BIN
/// Runs agentry without cargo on PATH (the prompt's toolchain probes, cargo metadata, do not
/// run, so the peak is agentry's own, not a child's), through agentry-peak-rss: a program's
/// ru_maxrss starts at the size of the process that spawned it, and this test process is large.
inline testing::ProcessOutcome run_measured(const AgentryHome& home, std::vector<std::string> args,
                                            const fakellm::FakeLlmServer* server) {
  auto options = home.spawn_options(std::move(args), server);
  options.env["PATH"] = "/usr/bin:/bin";
#if defined(__SANITIZE_ADDRESS__)
  // Added to the compiled-in defaults (cmake/sanitizer_options.cpp.in), which still apply.
  options.env["ASAN_OPTIONS"] = "quarantine_size_mb=4";
#endif
  auto peak_file = home.root() / "peak_rss_kb";
  options.argv.insert(options.argv.begin(), {AGENTRY_PEAK_RSS_BIN, peak_file.string()});
  auto outcome = testing::run_process(options);
  long peak_kb = -1;
  std::ifstream(peak_file) >> peak_kb;
  REQUIRE_MESSAGE(peak_kb > 0, "agentry-peak-rss wrote no figure");
  outcome.peak_rss_kb = peak_kb;
  return outcome;
}
#endif

}  // namespace agentry::cli::e2e
