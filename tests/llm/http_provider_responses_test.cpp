// The OpenAI Responses provider (kind openai-responses) against the fake server's /v1/responses
// route, with its reasoning rules on: encrypted reasoning items issued before function calls and
// required back with them.
#include <doctest/doctest.h>

#include "llm/http_provider.hpp"
#include "llm/responses_wire.hpp"
#include "llm_test_support.hpp"

namespace agentry::llm {
namespace {

using namespace testing;
using nlohmann::json;
using std::chrono::milliseconds;

struct ResponsesFixture {
  CurlGlobal curl;
  RecordedWaits waits;
  std::unique_ptr<fakellm::FakeLlmServer> server;
  std::unique_ptr<Provider> provider;

  explicit ResponsesFixture(std::string_view yaml) {
    server = start_fake(yaml);
    provider = make_test_provider(
        curl, fake_provider_config(ProviderKind::kOpenAiResponses, *server), waits);
  }
};

constexpr const char* kResponsesToolLoop = R"(
server: {thinking_rules: true}
turns:
  - thinking: "The crate first."
    text: "Checking."
    tool_calls:
      - {id: call_a, name: cargo_check, arguments: {package: demo}}
      - {id: call_b, name: read_file, arguments: {path: src/lib.rs}}
    argument_fragment_chars: 4
  - tool_calls:
      - {id: call_c, name: edit_file, arguments: {path: src/lib.rs}}
  - text: "Fixed."
)";

Message responses_results_for(const Message& answer) {
  std::vector<ToolResult> results;
  for (const auto& call : answer.tool_calls)
    results.push_back(ToolResult{call.id, call.name, "ok: " + call.name, false});
  return Message::tool(std::move(results));
}

TEST_CASE("a tool loop over the Responses API: reasoning items go back verbatim, none refused") {
  ResponsesFixture f(kResponsesToolLoop);
  CompletionRequest request = simple_request("fix the crate");
  request.model = "gpt-5-codex";
  request.system = "You are rust-pro.";
  request.tools.push_back(ToolSchema{"cargo_check", "Runs cargo check.", json::object()});
  request.reasoning = Reasoning{"medium", std::nullopt};
  for (int turn = 0; turn < 3; ++turn) {
    Collected got;
    auto c = f.provider->complete(request, got.sink(), {});
    REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
    CHECK(c->model == "gpt-5-codex");
    if (turn == 0) {
      CHECK(c->message.text == "Checking.");
      REQUIRE(c->message.tool_calls.size() == 2);
      CHECK(c->message.tool_calls[0].id == "call_a");
      CHECK(c->message.tool_calls[0].arguments == json{{"package", "demo"}});
      CHECK(got.calls() == c->message.tool_calls);
      REQUIRE(c->message.thinking.size() == 1);
      CHECK(c->message.thinking[0].text == "The crate first.");
      CHECK(c->message.thinking[0].wire == "openai-responses");
      CHECK(c->message.thinking[0].raw["id"] == "rs_fake0001");
      CHECK(c->message.thinking[0].raw.contains("encrypted_content"));
      CHECK(c->finish == FinishReason::kToolCalls);
      CHECK(c->usage.reasoning_tokens > 0);
    }
    if (turn == 2) {
      CHECK(c->message.text == "Fixed.");
      CHECK(c->finish == FinishReason::kStop);
    }
    request.messages.push_back(c->message);
    if (!c->message.tool_calls.empty())
      request.messages.push_back(responses_results_for(c->message));
  }
  auto requests = f.server->requests();
  REQUIRE(requests.size() == 3);
  for (const auto& r : requests) {
    CHECK(r.path == "/v1/responses");
    CHECK_FALSE(r.refused);
    CHECK(r.header("authorization") == "Bearer sk-test-SECRET-123");
    CHECK(r.json["store"] == false);
    CHECK(r.json["include"] == json::array({"reasoning.encrypted_content"}));
    CHECK(r.json["reasoning"] == json{{"effort", "medium"}, {"summary", "auto"}});
    CHECK(r.json["instructions"] == "You are rust-pro.");
    CHECK(r.json["tools"][0] == json{{"type", "function"},
                                     {"name", "cargo_check"},
                                     {"description", "Runs cargo check."},
                                     {"parameters", json::object()}});
  }
  // The third request holds both answers' reasoning items exactly as the fake issued them,
  // each before its function calls.
  const json& input = requests[2].json["input"];
  std::vector<std::string> types;
  for (const auto& item : input)
    types.push_back(item.value("type", ""));
  CHECK(types == std::vector<std::string>{"message", "reasoning", "message", "function_call",
                                          "function_call", "function_call_output",
                                          "function_call_output", "reasoning", "function_call",
                                          "function_call_output"});
  CHECK(input[1]["id"] == "rs_fake0001");
  CHECK(input[1]["summary"][0]["text"] == "The crate first.");
  CHECK(input[7]["id"] == "rs_fake0002");
  CHECK(input[3] == json{{"type", "function_call"},
                         {"call_id", "call_a"},
                         {"name", "cargo_check"},
                         {"arguments", R"({"package":"demo"})"}});
  CHECK(input[5] == json{{"type", "function_call_output"},
                         {"call_id", "call_a"},
                         {"output", "ok: cargo_check"}});
}

/// The fake's first answer, then the second request built from it with `mangle` applied.
Result<Completion> responses_second_request(ResponsesFixture& f,
                                            const std::function<void(Message&)>& mangle) {
  CompletionRequest request = simple_request("fix the crate");
  auto first = f.provider->complete(request, [](const StreamEvent&) {}, {});
  REQUIRE_MESSAGE(first.has_value(), (first ? "" : first.error().to_string()));
  Message answer = first->message;
  mangle(answer);
  request.messages.push_back(answer);
  request.messages.push_back(responses_results_for(first->message));
  return f.provider->complete(request, [](const StreamEvent&) {}, {});
}

TEST_CASE("refused: a function call sent back without its reasoning item") {
  ResponsesFixture f(kResponsesToolLoop);
  auto c = responses_second_request(f, [](Message& m) { m.thinking.clear(); });
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == ErrorCode::kHttp);
  CHECK_FALSE(c.error().retryable);
  CHECK(c.error().message.find("HTTP 400: Item 'fc_fake0001_0' of type 'function_call' was "
                               "provided without its required 'reasoning' item: "
                               "'rs_fake0001'.") != std::string::npos);
  auto requests = f.server->requests();
  REQUIRE(requests.size() == 2);  // not retried
  CHECK(requests[1].refused);
  CHECK(f.server->totals().refused == 1);
}

TEST_CASE("refused: a reasoning item with altered encrypted_content, or none") {
  ResponsesFixture f(kResponsesToolLoop);
  auto altered = responses_second_request(f, [](Message& m) {
    std::string& content = m.thinking[0].raw["encrypted_content"].get_ref<std::string&>();
    content.back() = content.back() == 'a' ? 'b' : 'a';
  });
  REQUIRE_FALSE(altered.has_value());
  CHECK(altered.error().message.find(
            "The encrypted content for item rs_fake0001 could not be verified.") !=
        std::string::npos);
  CHECK(altered.error().message.find("invalid_encrypted_content") != std::string::npos);

  ResponsesFixture g(kResponsesToolLoop);
  auto stripped =
      responses_second_request(g, [](Message& m) { m.thinking[0].raw.erase("encrypted_content"); });
  REQUIRE_FALSE(stripped.has_value());
  CHECK(stripped.error().message.find("Item with id 'rs_fake0001' not found. Items are not "
                                      "persisted when `store` is set to false.") !=
        std::string::npos);
}

TEST_CASE("without thinking_rules the fake accepts calls sent back without reasoning") {
  ResponsesFixture f("- tool_calls: [{id: call_a, name: x, arguments: {}}]\n- text: done\n");
  auto c = responses_second_request(f, [](Message& m) { m.thinking.clear(); });
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->message.text == "done");
}

TEST_CASE("non-streamed: the same items from a whole response") {
  ResponsesFixture f(kResponsesToolLoop);
  CompletionRequest request = simple_request("fix", false);
  Collected got;
  auto c = f.provider->complete(request, got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(f.server->requests()[0].json["stream"] == false);
  CHECK(c->message.text == "Checking.");
  REQUIRE(c->message.thinking.size() == 1);
  CHECK(c->message.thinking[0].raw["encrypted_content"].is_string());
  CHECK(c->message.tool_calls.size() == 2);
  CHECK(got.calls().size() == 2);
}

TEST_CASE("retries as for the other kinds: 429 with Retry-After, an error event before output") {
  ResponsesFixture f(R"(
- text: "fine"
  faults: [{status: 429, retry_after: 1}, {error_after_events: 1, error_code: rate_limit_exceeded}]
)");
  Collected got;
  auto c = f.provider->complete(simple_request(), got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(f.server->request_count() == 3);
  CHECK(f.waits.delays.size() == 2);
  CHECK(f.waits.delays[0] == milliseconds(1000));
  CHECK(got.text() == "fine");
}

TEST_CASE("an error event after text has streamed fails the call with the server's message") {
  ResponsesFixture f(R"(
- text: "partial answer here"
  faults: [{error_after_events: 8, error_code: server_error, error_message: "boom"}]
)");
  Collected got;
  auto c = f.provider->complete(simple_request(), got.sink(), {});
  REQUIRE_FALSE(c.has_value());
  CHECK(f.server->request_count() == 1);
  CHECK(c.error().message.find("the server reported an error mid-stream: boom [server_error]") !=
        std::string::npos);
  CHECK(c.error().where == f.server->url("/v1/responses"));
  CHECK_FALSE(got.text().empty());
}

TEST_CASE("over the fake's window: context_length_exceeded is kContextOverflow") {
  ResponsesFixture f(R"(
server: {context_window: 2000}
turns:
  - text: never
)");
  auto c = f.provider->complete(simple_request(std::string(20000, 'x') + " end"),
                                [](const StreamEvent&) {}, {});
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == ErrorCode::kContextOverflow);
}

TEST_CASE("a scripted length stop is response.incomplete: kLength") {
  ResponsesFixture f("- text: cut\n  finish_reason: length\n");
  auto c = f.provider->complete(simple_request(), [](const StreamEvent&) {}, {});
  REQUIRE(c.has_value());
  CHECK(c->finish == FinishReason::kLength);
}

}  // namespace
}  // namespace agentry::llm
