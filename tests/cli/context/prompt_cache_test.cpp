// Issue 17, must show: prompt caching end to end. The real `agentry` against the fake server that
// accounts caching as the services do — Anthropic's breakpoints (prefix hashes, 20-block
// lookback, 1,024-token minimum) and OpenAI's automatic prefix caching — and the prefix a session
// sends kept byte-identical from one request to the next (system prompt, tools, every earlier
// message), in run and across the messages of a chat.
#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"
#include "cli/support/long_session.hpp"

namespace agentry::cli::prompt_cache {
namespace {

using e2e::AgentryHome;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr int kTurns = 30;
constexpr int kFiles = 6;
constexpr std::size_t kFileBytes = 4'000;
constexpr auto kRunLimit = std::chrono::seconds(300);

/// The fake on a script given as text, with `options` (on_request, …).
std::unique_ptr<fakellm::FakeLlmServer> start_fake_with(std::string_view text,
                                                        fakellm::FakeLlmOptions options) {
  auto doc = yaml_to_json(text, "script");
  REQUIRE(doc.has_value());
  auto script = fakellm::parse_script(*doc);
  REQUIRE_MESSAGE(script.has_value(), (script ? "" : script.error().to_string()));
  auto server = fakellm::FakeLlmServer::start(std::move(*script), std::move(options));
  REQUIRE(server.has_value());
  return std::move(*server);
}

/// `value` without any `cache_control` (a breakpoint's marker is not part of the prompt: it
/// moves to the newest message every turn, as it should).
ordered_json without_breakpoints(ordered_json value) {
  if (value.is_object()) {
    value.erase("cache_control");
    for (auto& [key, item] : value.items())
      item = without_breakpoints(item);
  } else if (value.is_array()) {
    for (auto& item : value)
      item = without_breakpoints(item);
  }
  return value;
}

/// What a request holds that a prompt cache keys on, each part as the bytes sent (keys in the
/// order the client wrote them).
struct PromptParts {
  std::string system;
  std::string tools;
  std::vector<std::string> messages;
};

PromptParts parts_of(const fakellm::RecordedRequest& request) {
  auto body = without_breakpoints(ordered_json::parse(request.body));
  PromptParts parts;
  if (body.contains("system")) parts.system = body["system"].dump();
  if (body.contains("tools")) parts.tools = body["tools"].dump();
  for (const auto& m : body.value("messages", ordered_json::array()))
    parts.messages.push_back(m.dump());
  return parts;
}

/// Each request's system, tools and messages start with everything the request before it sent.
void check_prefixes_stable(const std::vector<fakellm::RecordedRequest>& recorded) {
  // The model calls only: an OpenAI-compatible run first asks the server for its window
  // (GET /v1/models, /props), which has no prompt.
  std::vector<fakellm::RecordedRequest> requests;
  for (const auto& r : recorded)
    if (r.method == "POST") requests.push_back(r);
  REQUIRE(requests.size() >= 3);
  for (std::size_t i = 1; i < requests.size(); ++i) {
    CAPTURE(i);
    auto before = parts_of(requests[i - 1]);
    auto now = parts_of(requests[i]);
    CHECK(now.system == before.system);
    CHECK(now.tools == before.tools);
    REQUIRE(now.messages.size() > before.messages.size());
    for (std::size_t m = 0; m < before.messages.size(); ++m) {
      CAPTURE(m);
      CHECK(now.messages[m] == before.messages[m]);
    }
  }
}

/// `agentry run --agent rust-pro --output-format json` to its end: the json result.
json run_json(const AgentryHome& home, const fakellm::FakeLlmServer& server) {
  auto r = testing::run_process(
      home.spawn_options({"run", "--agent", "rust-pro", "--output-format", "json", "Read them."},
                         &server),
      kRunLimit);
  INFO("stderr: " << r.err.substr(0, 3000));
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("prefix: each request of a run repeats the one before it byte for byte, both routes") {
  for (std::string kind : {"anthropic", "openai"}) {
    CAPTURE(kind);
    AgentryHome home;
    e2e::write_large_crate(home.ws(), kFiles, 2'000);
    auto server = e2e::start_fake(e2e::long_session_script(6, kFiles, json::object()));
    home.write_config(e2e::fake_provider_config(kind, *server));
    auto r = testing::run_process(
        home.spawn_options({"run", "--agent", "rust-pro", "Read the parts."}, server.get()),
        kRunLimit);
    INFO("stderr: " << r.err.substr(0, 3000));
    REQUIRE(r.exit_code == 0);
    check_prefixes_stable(server->requests());
  }
}

// The chat builds the system prompt again for each message: the git branch it names must not
// change under it (here the branch is switched while the first message is being answered).
TEST_CASE("prefix: the second message of a chat repeats the first one's prompt byte for byte") {
  AgentryHome home;
  e2e::write_large_crate(home.ws(), kFiles, 2'000);
  std::filesystem::create_directories(home.ws() / ".git");
  std::ofstream(home.ws() / ".git" / "HEAD") << "ref: refs/heads/main\n";
  fakellm::FakeLlmOptions options;
  auto head = home.ws() / ".git" / "HEAD";
  options.on_request = [head](const fakellm::RecordedRequest&) {
    std::ofstream(head) << "ref: refs/heads/feature\n";
  };
  auto server = start_fake_with(R"(
- tool_calls: [{id: call_1, name: read_file, arguments: {path: src/part_0.rs}}]
- text: First answer.
- tool_calls: [{id: call_2, name: read_file, arguments: {path: src/part_1.rs}}]
- text: Second answer.
)",
                                options);
  home.write_config(e2e::fake_provider_config("anthropic", *server));
  auto r = testing::run_process(home.spawn_options({"chat", "--agent", "rust-pro"}, server.get(),
                                                   "Read part 0.\nRead part 1.\n"),
                                kRunLimit);
  INFO("stdout: " << r.out.substr(0, 3000) << "\nstderr: " << r.err.substr(0, 3000));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Second answer.") != std::string::npos);
  auto requests = server->requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[0].body.find("git branch: main") != std::string::npos);
  check_prefixes_stable(requests);
}

TEST_CASE("must show: a 30-turn Anthropic session reads at least 80% of its input from the cache") {
  AgentryHome home;
  e2e::write_large_crate(home.ws(), kFiles, kFileBytes);
  auto server = e2e::start_fake(e2e::long_session_script(kTurns, kFiles, json::object()));
  home.write_config(e2e::fake_provider_config(
      "anthropic", *server, "    prices:\n      fake-model: {input: 3, output: 15}\n"));
  auto j = run_json(home, *server);
  CHECK(j["result"] == e2e::kFinalAnswer);
  auto t = server->totals();
  CHECK(t.refused == 0);
  CHECK(t.requests == kTurns + 1);
  std::int64_t all_input = t.input + t.cache_read + t.cache_write;
  INFO("input " << t.input << ", cache reads " << t.cache_read << ", cache writes "
                << t.cache_write);
  CHECK(static_cast<double>(t.cache_read) >= 0.8 * static_cast<double>(all_input));
  // agentry read the same usage the fake reported, and priced the cache at its rates (Anthropic's
  // defaults: reads 0.1x, writes 1.25x of input).
  CHECK(j["usage"]["input_tokens"] == t.input);
  CHECK(j["usage"]["cache_read_tokens"] == t.cache_read);
  CHECK(j["usage"]["cache_write_tokens"] == t.cache_write);
  CHECK(j["usage"]["output_tokens"] == t.output);
  double expected =
      (3.0 * static_cast<double>(t.input) + 15.0 * static_cast<double>(t.output) +
       0.3 * static_cast<double>(t.cache_read) + 3.75 * static_cast<double>(t.cache_write)) /
      1e6;
  REQUIRE(j["total_cost_usd"].is_number());
  CHECK(j["total_cost_usd"].get<double>() == doctest::Approx(expected).epsilon(1e-9));
}

TEST_CASE(
    "must show: OpenAI prefix caching reuses nearly all of the request before, from the 3rd") {
  // A session that fits its window: no turn is pruned, so every request extends the one before
  // (pruning rewrites old tool results and with them the prefix: context_test covers that).
  AgentryHome home;
  e2e::write_large_crate(home.ws(), kFiles, 4'000);
  auto server = e2e::start_fake(e2e::long_session_script(kTurns, kFiles, json::object()));
  home.write_config(e2e::fake_provider_config("openai", *server, "    context_window: 128000\n"));
  auto j = run_json(home, *server);
  // The model calls (the window probe's GETs of /v1/models and /props left out).
  std::vector<fakellm::RequestCount> counts;
  for (const auto& c : server->counts())
    if (c.path.ends_with("/chat/completions")) counts.push_back(c);
  REQUIRE(counts.size() == static_cast<std::size_t>(kTurns + 1));
  for (std::size_t i = 2; i < counts.size(); ++i) {
    CAPTURE(i + 1);
    CAPTURE(counts[i].tokens.cache_read);
    CAPTURE(counts[i - 1].tokens.prompt);
    CHECK(counts[i].tokens.cache_read > 0);
    CHECK(static_cast<double>(counts[i].tokens.cache_read) >=
          0.9 * static_cast<double>(counts[i - 1].tokens.prompt));
  }
  CHECK(j["usage"]["cache_read_tokens"] == server->totals().cache_read);
}

}  // namespace agentry::cli::prompt_cache
