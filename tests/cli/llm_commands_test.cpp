// `agentry models` and `agentry ping`, run as the real binary against the fake LLM server.
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "core/build_paths.hpp"
#include "core/config.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "support/temp_dir.hpp"

namespace agentry::cli {
namespace {

using nlohmann::json;
using testing::TempDir;

struct Ran {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string agentry_bin() {
  const char* bin = std::getenv("AGENTRY_BIN");
  return bin != nullptr ? bin : std::string(AGENTRY_BINARY_DIR) + "/agentry";
}

/// Runs agentry with exactly `env` (plus HOME and XDG_CONFIG_HOME inside `home`).
Ran run_agentry(const TempDir& home, std::vector<std::string> args,
                std::map<std::string, std::string> env) {
  env.emplace("HOME", home.path().string());
  env.emplace("XDG_CONFIG_HOME", (home.path() / "config").string());
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string bin = agentry_bin();
  args.insert(args.begin(), {bin, "--cwd", home.path().string()});
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  auto out_path = home.path() / "stdout.txt";
  auto err_path = home.path() / "stderr.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE_MESSAGE(rc == 0, "cannot run " << bin);
  int status = 0;
  waitpid(pid, &status, 0);
  Ran r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = testing::read_file(out_path);
  r.err = testing::read_file(err_path);
  return r;
}

std::unique_ptr<fakellm::FakeLlmServer> fake(std::string_view yaml) {
  auto doc = yaml_to_json(yaml, "script");
  REQUIRE(doc.has_value());
  auto script = fakellm::parse_script(*doc);
  REQUIRE(script.has_value());
  auto server = fakellm::FakeLlmServer::start(std::move(*script));
  REQUIRE(server.has_value());
  return std::move(*server);
}

TEST_CASE(
    "agentry models lists the environment's providers, anthropic the default when both are set") {
  TempDir home;
  std::map<std::string, std::string> env{{"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"},
                                         {"ANTHROPIC_API_KEY", "sk-ant-SECRET"}};
  Ran text = run_agentry(home, {"models"}, env);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("* anthropic (anthropic) https://api.anthropic.com  [default]") !=
        std::string::npos);
  CHECK(text.out.find("  openai (openai) http://127.0.0.1:9/v1\n") != std::string::npos);
  CHECK(text.out.find("key: $ANTHROPIC_API_KEY (set)") != std::string::npos);
  CHECK(text.out.find("SECRET") == std::string::npos);

  Ran j = run_agentry(home, {"models", "--json"}, env);
  REQUIRE(j.exit_code == 0);
  json doc = json::parse(j.out);
  CHECK(doc["default_provider"] == "anthropic");
  REQUIRE(doc["providers"].size() == 3);  // anthropic, openai, openai-responses
  CHECK(doc["providers"][0]["name"] == "anthropic");
  CHECK(doc["providers"][0]["api_key_set"] == true);
  CHECK(doc["providers"][0]["aliases"]["haiku"] == "claude-haiku-4-5");
  CHECK(doc["providers"][1]["api_key_env"] == "");
  CHECK(doc["providers"][1]["default"] == false);
}

TEST_CASE("agentry models shows each model's window and where it came from, asking no server") {
  TempDir home;
  auto server = fake("- text: x\n");
  home.write("config/agentry/config.yaml",
             "providers:\n  a: {kind: anthropic, model: claude-sonnet-4-5}\n"
             "  local:\n    kind: openai\n    base_url: " +
                 server->url("/v1") +
                 "\n    model: small\n    models: [llama3.1:8b, odd]\n"
                 "    context_window: {small: 16384}\n    max_tokens: 2000\n");
  Ran text = run_agentry(home, {"models"}, {});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("    claude-sonnet-4-5  (default model)  [window 200000, output 16384: "
                      "built-in table (claude-sonnet-4)]\n") != std::string::npos);
  CHECK(text.out.find("    small  (default model)  [window 16384, output 2000: config (") !=
        std::string::npos);
  CHECK(text.out.find("    odd  [window 32768, output 2000: default") != std::string::npos);

  Ran j = run_agentry(home, {"models", "--json"}, {});
  REQUIRE(j.exit_code == 0);
  json doc = json::parse(j.out);
  json local = doc["providers"][1]["context_windows"];
  CHECK(local["small"]["window"] == 16384);
  CHECK(local["small"]["from"] == "config");
  CHECK(local["llama3.1:8b"]["window"] == 131072);
  CHECK(local["llama3.1:8b"]["output_budget"] == 2000);
  CHECK(local["llama3.1:8b"]["from"] == "table");
  CHECK(local["odd"]["from"] == "default");
  CHECK(doc["providers"][0]["context_windows"]["claude-sonnet-4-5"]["source"] ==
        "built-in table (claude-sonnet-4)");
  CHECK(server->request_count() == 0);
}

TEST_CASE("agentry ping with only OPENAI_BASE_URL reports the latency") {
  TempDir home;
  auto server = fake("- when: {contains: pong}\n  text: pong\n");
  Ran r = run_agentry(home, {"ping"}, {{"OPENAI_BASE_URL", server->url("/v1")}});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("openai (gpt-5-mini) at " + server->url("/v1") + ": ok in "));
  CHECK(r.out.find("answered \"pong\"") != std::string::npos);
  auto requests = server->requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].json["model"] == "gpt-5-mini");
  CHECK(requests[0].json["max_tokens"] == 16);
  CHECK(requests[0].header("authorization").empty());
}

TEST_CASE(
    "agentry ping failure: URL, status and server message on stderr, exit 1, no key anywhere") {
  TempDir home;
  auto server = fake(R"(
- text: x
  faults: [{status: 401, error_message: "invalid x-api-key", times: 5}]
)");
  Ran r = run_agentry(
      home, {"--log-level", "trace", "ping"},
      {{"ANTHROPIC_BASE_URL", server->url()}, {"ANTHROPIC_API_KEY", "sk-ant-SECRET-9"}});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(server->url("/v1/messages")) != std::string::npos);
  CHECK(r.err.find("answered HTTP 401: invalid x-api-key") != std::string::npos);
  CHECK(r.err.find("x-api-key: ***") != std::string::npos);  // the trace log of the request headers
  CHECK(r.err.find("SECRET") == std::string::npos);
  CHECK(server->request_count() == 1);  // ping does not retry
  CHECK(server->requests()[0].header("x-api-key") == "sk-ant-SECRET-9");
}

TEST_CASE("agentry ping PROVIDER --model picks a configured provider and model") {
  TempDir home;
  auto server = fake("- when: {contains: pong}\n  text: pong\n");
  home.write("config/agentry/config.yaml",
             "default_provider: other\nproviders:\n  other: {kind: anthropic}\n"
             "  local:\n    kind: openai\n    base_url: " +
                 server->url("/v1") + "\n    model: small\n");
  Ran r = run_agentry(home, {"ping", "local", "--model", "bigger"}, {});
  CHECK(r.exit_code == 0);
  CHECK(server->requests().at(0).json["model"] == "bigger");
  Ran r2 = run_agentry(home, {"ping", "--model", "local/sonnet"}, {});
  CHECK(r2.exit_code == 0);
  CHECK(server->requests().at(1).json["model"] == "gpt-5-mini");

  Ran missing = run_agentry(home, {"ping", "nope"}, {});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no provider named 'nope' (known providers: local, other)") !=
        std::string::npos);
}

TEST_CASE("a broken config file is reported with file, line and column") {
  TempDir home;
  home.write("config/agentry/config.yaml", "providers:\n  x:\n    kind: gemini\n");
  Ran r = run_agentry(home, {"models"}, {});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find((home.path() / "config/agentry/config.yaml").string() +
                   ":3:11: unknown provider kind 'gemini'") != std::string::npos);
}

}  // namespace
}  // namespace agentry::cli
