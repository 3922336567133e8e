// The fake server on its own: routing, turn selection, recording, and the executable.
#include "fakellm/fake_llm_server.hpp"

#include <mutex>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "../llm_test_support.hpp"
#include "core/build_paths.hpp"
#include "llm/http_client.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace agentry::fakellm {
namespace {

using nlohmann::json;

struct Answer {
  long status = 0;
  std::string body;
};

Answer post(llm::HttpClient& client, const std::string& url, const json& body) {
  Answer a;
  auto r = client.post({url, {{"Content-Type", "application/json"}}, body.dump()},
                       [&](std::string_view b) {
                         a.body.append(b);
                         return true;
                       },
                       {});
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().to_string()));
  a.status = r->status;
  if (a.status >= 300) a.body = r->error_body;
  return a;
}

json chat(std::string last, int assistant_turns = 0) {
  json messages = json::array();
  for (int i = 0; i < assistant_turns; ++i) {
    messages.push_back({{"role", "user"}, {"content", "q"}});
    messages.push_back({{"role", "assistant"}, {"content", "a"}});
  }
  messages.push_back({{"role", "user"}, {"content", std::move(last)}});
  return {{"model", "m"}, {"messages", messages}, {"stream", false}};
}

std::string text_of(const Answer& a) {
  return json::parse(a.body)["choices"][0]["message"]["content"].get<std::string>();
}

TEST_CASE("turns are chosen by turn number, request number, content, then in order") {
  llm::CurlGlobal curl;
  auto server = llm::testing::start_fake(R"(
- when: {contains: "please fix"}
  text: fixing
- when: {turn: 3}
  text: third turn
- when: {request: 5}
  text: fifth request
- first
- second
)");
  llm::HttpClient client(curl, {}, nullptr);
  std::string url = server->url("/v1/chat/completions");
  CHECK(text_of(post(client, url, chat("hello"))) == "first");
  CHECK(text_of(post(client, url, chat("could you please fix it"))) == "fixing");
  CHECK(text_of(post(client, url, chat("again", 2))) == "third turn");
  CHECK(text_of(post(client, url, chat("hello"))) == "second");
  CHECK(text_of(post(client, url, chat("hello"))) == "fifth request");
  Answer exhausted = post(client, url, chat("hello"));
  CHECK(exhausted.status == 400);
  CHECK(exhausted.body.find("the script has no turn left for request 6") != std::string::npos);

  auto requests = server->requests();
  REQUIRE(requests.size() == 6);
  CHECK(requests[0].turn == 3);
  CHECK(requests[1].turn == 0);
  CHECK(requests[5].turn == -1);
  CHECK(requests[2].json["messages"].size() == 5);
  CHECK(requests[3].number == 4);
}

TEST_CASE("a turn can be chosen by whether the request offers tools (a compaction's summary)") {
  llm::CurlGlobal curl;
  auto server = llm::testing::start_fake(R"(
- when: {tools: false}
  text: summary
- when: {tools: true, turn: 2}
  text: second with tools
- first
)");
  llm::HttpClient client(curl, {}, nullptr);
  std::string url = server->url("/v1/chat/completions");
  json tool = {{"type", "function"},
               {"function", {{"name", "read_file"}, {"parameters", {{"type", "object"}}}}}};
  auto with_tools = [&](json body) {
    body["tools"] = json::array({tool});
    return body;
  };
  CHECK(text_of(post(client, url, chat("hello"))) == "summary");
  CHECK(text_of(post(client, url, with_tools(chat("hello")))) == "first");
  CHECK(text_of(post(client, url, with_tools(chat("again", 1)))) == "second with tools");
  CHECK(text_of(post(client, url, chat("again", 1))) == "summary");
  json empty_tools = chat("hello");
  empty_tools["tools"] = json::array();
  CHECK(text_of(post(client, url, empty_tools)) == "summary");
}

TEST_CASE("other paths and methods get clear errors, both path spellings work") {
  llm::CurlGlobal curl;
  auto server = llm::testing::start_fake("- a\n- b\n");
  llm::HttpClient client(curl, {}, nullptr);
  Answer missing = post(client, server->url("/v2/complete"), chat("x"));
  CHECK(missing.status == 404);
  CHECK(missing.body.find("no route for POST /v2/complete") != std::string::npos);
  CHECK(post(client, server->url("/chat/completions"), chat("x")).status == 200);
  json anthropic = {
      {"model", "m"}, {"max_tokens", 5}, {"messages", {{{"role", "user"}, {"content", "x"}}}}};
  Answer msg = post(client, server->url("/messages"), anthropic);
  CHECK(msg.status == 200);
  CHECK(json::parse(msg.body)["content"][0]["text"] == "b");
  Answer not_json = post(client, server->url("/v1/messages"), "not an object");
  CHECK(not_json.status == 400);
  CHECK(server->request_count() == 4);
}

TEST_CASE("without keep_requests the server counts requests and keeps none") {
  auto doc = yaml_to_json("- when: {turn: 1}\n  text: a\n", "inline script");
  REQUIRE(doc);
  auto script = parse_script(*doc);
  REQUIRE(script);
  FakeLlmOptions options;
  options.keep_requests = false;
  std::mutex seen_mu;  // the callback runs on a server thread
  std::vector<int> seen;
  options.on_request = [&](const RecordedRequest& r) {
    std::lock_guard lock(seen_mu);
    seen.push_back(r.number);
  };
  auto server = FakeLlmServer::start(std::move(*script), std::move(options));
  REQUIRE(server);
  llm::CurlGlobal curl;
  llm::HttpClient client(curl, {}, nullptr);
  for (int i = 0; i < 3; ++i) {
    CHECK(text_of(post(client, (*server)->url("/v1/chat/completions"), chat("hi"))) == "a");
    std::lock_guard lock(seen_mu);
    CHECK(seen.size() == static_cast<std::size_t>(i + 1));  // it ran before the answer was sent
  }
  CHECK((*server)->request_count() == 3);
  CHECK((*server)->requests().empty());
  std::lock_guard lock(seen_mu);
  CHECK(seen == std::vector<int>{1, 2, 3});
}

TEST_CASE("agentry-fake-llm prints its port first and serves until SIGTERM") {
  testing::TempDir dir;
  auto script = dir.write("script.yaml", "- text: from the executable\n");
  auto log = dir.path() / "requests.jsonl";
  std::string exe = std::string(AGENTRY_BINARY_DIR) + "/agentry-fake-llm";
  REQUIRE_MESSAGE(access(exe.c_str(), X_OK) == 0,
                  "build the agentry-fake-llm target first: " << exe);

  int out[2];
  REQUIRE(pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> args{exe, "--script",       script.string(), "--port",
                                "0", "--requests-log", log.string()};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::string first_line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n')
    first_line.push_back(c);
  close(out[0]);
  int port = std::atoi(first_line.c_str());
  CHECK(port > 0);

  llm::CurlGlobal curl;
  llm::HttpClient client(curl, {}, nullptr);
  json body = chat("hi");
  Answer a =
      post(client, "http://127.0.0.1:" + std::to_string(port) + "/v1/chat/completions", body);
  CHECK(a.status == 200);
  CHECK(text_of(a) == "from the executable");

  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  json line = json::parse(testing::read_file(log));
  CHECK(line["path"] == "/v1/chat/completions");
  CHECK(line["body"] == body);
  CHECK(line["turn"] == 0);
  CHECK(line["refused"] == false);
  CHECK(line["tokens"]["prompt"] == 3);  // the user's role, "hi", the message's end
  CHECK(line["tokens"]["output"] == 5);  // from, the, exec-utab-le
}

}  // namespace
}  // namespace agentry::fakellm
