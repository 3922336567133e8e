// What the fake server refuses as the real services do, driven by hand-built requests over
// HTTP: the context window's exact errors (Anthropic, OpenAI, vLLM, llama.cpp), max_tokens,
// malformed Anthropic blocks; and the usage and counters it reports.
#include <doctest/doctest.h>

#include "../llm_test_support.hpp"
#include "fake_requests.hpp"
#include "fakellm/prompt.hpp"

namespace agentry::fakellm {
namespace {

using namespace fake_requests;
using nlohmann::json;

TEST_CASE("over the window Anthropic answers 400 prompt is too long, and no turn is used") {
  auto server = serve("- first\n- second\n", window(32000));
  // user marker + 41,233 words = 41,234 tokens.
  Reply over = send(*server, "/v1/messages", anthropic({user(words(41233))}));
  CHECK(over.status == 400);
  CHECK(over.json_body() ==
        json{{"type", "error"},
             {"error",
              {{"type", "invalid_request_error"},
               {"message", "prompt is too long: 41234 tokens > 32000 maximum"}}},
             {"request_id", "req_fake_1"}});
  CHECK(over.response.header("request-id") == "req_fake_1");
  // Exactly at the window is accepted, and gets the first turn.
  Reply fits = send(*server, "/v1/messages", anthropic({user(words(31999))}));
  CHECK(fits.status == 200);
  CHECK(fits.json_body()["content"][0]["text"] == "first");
  CHECK(fits.json_body()["usage"]["input_tokens"] == 32000);

  auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].refused);
  CHECK(requests[0].refusal == "prompt is too long: 41234 tokens > 32000 maximum");
  CHECK(requests[0].turn == -1);
  CHECK(requests[0].tokens.prompt == 41234);
  CHECK_FALSE(requests[1].refused);
  CHECK(requests[1].tokens.prompt == 32000);
  TokenTotals totals = server->totals();
  CHECK(totals.refused == 1);
  CHECK(totals.requests == 1);
  CHECK(totals.prompt == 32000);
  auto counts = server->counts();
  REQUIRE(counts.size() == 2);
  CHECK(counts[0].refused);
  CHECK(counts[0].path == "/v1/messages");
  CHECK(counts[0].tokens.prompt == 41234);
  CHECK(counts[1].turn == 0);
  CHECK(counts[1].tokens.input == 32000);
}

TEST_CASE("the script's server settings apply unless the options replace them") {
  const char* yaml = "server: {context_window: 20}\nturns: [a, b]\n";
  auto scripted = serve(yaml);
  CHECK(send(*scripted, "/v1/messages", anthropic({user(words(20))})).status == 400);
  CHECK(send(*scripted, "/v1/messages", anthropic({user(words(19))})).status == 200);
  auto replaced = serve(yaml, window(100));
  CHECK(replaced->settings().context_window == 100);
  CHECK(send(*replaced, "/v1/messages", anthropic({user(words(20))})).status == 200);
}

TEST_CASE("over the window OpenAI answers 400 context_length_exceeded") {
  auto server = serve("- first\n", window(32000));
  // user marker + 41,232 words + end marker = 41,234 tokens.
  Reply over = send(*server, "/v1/chat/completions", openai({user(words(41232))}));
  CHECK(over.status == 400);
  CHECK(over.json_body() ==
        json{{"error",
              {{"message",
                "This model's maximum context length is 32000 tokens. However, your messages "
                "resulted in 41234 tokens. Please reduce the length of the messages."},
               {"type", "invalid_request_error"},
               {"param", "messages"},
               {"code", "context_length_exceeded"}}}});
  Reply fits = send(*server, "/v1/chat/completions", openai({user(words(100))}));
  CHECK(fits.status == 200);
  CHECK(fits.json_body()["choices"][0]["message"]["content"] == "first");
  CHECK(fits.json_body()["usage"]["prompt_tokens"] == 102);
  CHECK(server->totals().refused == 1);
}

TEST_CASE("llama.cpp's and vLLM's context errors") {
  ServerSettings llama = window(4096);
  llama.context_error = "llamacpp";
  auto a = serve("- ok\n", llama);
  Reply r = send(*a, "/v1/chat/completions", openai({user(words(4474))}));
  CHECK(r.status == 400);
  CHECK(r.json_body() ==
        json{{"error",
              {{"code", 400},
               {"message",
                "request (4476 tokens) exceeds the available context size (4096 tokens), try "
                "increasing it"},
               {"type", "exceed_context_size_error"},
               {"n_prompt_tokens", 4476},
               {"n_ctx", 4096}}}});

  ServerSettings vllm = window(4096, 2048);
  vllm.context_error = "vllm";
  auto b = serve("- ok\n", vllm);
  r = send(*b, "/v1/chat/completions", openai({user(words(4474))}));
  CHECK(r.status == 400);
  CHECK(r.json_body() == json{{"object", "error"},
                              {"message",
                               "This model's maximum context length is 4096 tokens. However, "
                               "your request has 4476 input tokens. Please reduce the length of "
                               "the input messages."},
                              {"type", "BadRequestError"},
                              {"param", nullptr},
                              {"code", 400}});
  json body = openai({user(words(3498))});  // 3,500 tokens + 1,000 to generate
  body["max_tokens"] = 1000;
  r = send(*b, "/v1/chat/completions", body);
  CHECK(r.status == 400);
  CHECK(r.json_body()["message"] ==
        "This model's maximum context length is 4096 tokens. However, you requested 4500 tokens "
        "(3500 in the messages, 1000 in the completion). Please reduce the length of the "
        "messages or completion.");
  CHECK(b->totals().refused == 2);
}

TEST_CASE("with max_output the prompt and max_tokens must fit, and max_tokens its limit") {
  auto server = serve("- ok\n", window(32000, 8000));
  Reply too_many = send(*server, "/v1/messages", anthropic({user("hi")}, nullptr, 8001));
  CHECK(too_many.status == 400);
  CHECK(too_many.json_body()["error"]["message"] ==
        "max_tokens: 8001 > 8000, which is the maximum allowed number of output tokens for "
        "claude-test");
  Reply sum = send(*server, "/v1/messages", anthropic({user(words(29999))}, nullptr, 4000));
  CHECK(sum.status == 400);
  CHECK(sum.json_body()["error"]["message"] ==
        "input length and `max_tokens` exceed context limit: 30000 + 4000 > 32000, decrease "
        "input length or `max_tokens` and try again");
  CHECK(send(*server, "/v1/messages", anthropic({user(words(27999))}, nullptr, 4000)).status ==
        200);

  json body = openai({user(words(29998))});
  body["max_completion_tokens"] = 4000;
  Reply openai_sum = send(*server, "/v1/chat/completions", body);
  CHECK(openai_sum.status == 400);
  CHECK(openai_sum.json_body()["error"]["message"] ==
        "This model's maximum context length is 32000 tokens. However, you requested 34000 tokens "
        "(30000 in the messages, 4000 in the completion). Please reduce the length of the "
        "messages or completion.");
  CHECK(openai_sum.json_body()["error"]["code"] == "context_length_exceeded");
  body = openai({user("hi")});
  body["max_completion_tokens"] = 9000;
  Reply openai_max = send(*server, "/v1/chat/completions", body);
  CHECK(openai_max.json_body()["error"]["param"] == "max_completion_tokens");
  CHECK(openai_max.json_body()["error"]["code"] == "invalid_value");
}

TEST_CASE("usage reports the server's count unless the turn scripts it") {
  auto server = serve(R"(
- text: four words of answer
- text: scripted
  usage: {input: 7, output: 3}
)");
  Reply counted = send(*server, "/v1/messages", anthropic({user(words(50))}));
  CHECK(counted.json_body()["usage"] == json{{"input_tokens", 51},
                                             {"output_tokens", 4},
                                             {"cache_creation_input_tokens", 0},
                                             {"cache_read_input_tokens", 0}});
  Reply scripted = send(*server, "/v1/messages", anthropic({user(words(50))}));
  CHECK(scripted.json_body()["usage"]["input_tokens"] == 7);
  CHECK(scripted.json_body()["usage"]["output_tokens"] == 3);
  auto requests = server->requests();
  CHECK(requests[1].tokens.prompt == 51);  // the server's count is recorded either way
  CHECK(requests[1].tokens.output == 3);
}

TEST_CASE("Anthropic: empty text blocks and empty messages are refused as the API does") {
  auto server = serve("- a\n");
  auto message_of = [&](const json& body) {
    Reply r = send(*server, "/v1/messages", body);
    CHECK(r.status == 400);
    return r.json_body()["error"]["message"].get<std::string>();
  };
  CHECK(message_of(anthropic({user("hi"),
                              {{"role", "assistant"}, {"content", "ok"}},
                              user({text_block("x"), text_block("", true)})})) ==
        "messages.2.content.1.text: cache_control cannot be set for empty text blocks");
  CHECK(message_of(anthropic({user({text_block("")})})) ==
        "messages: text content blocks must be non-empty");
  CHECK(message_of(anthropic({user("hi")}, json::array({text_block("", true)}))) ==
        "system.0.text: cache_control cannot be set for empty text blocks");
  CHECK(message_of(anthropic({user(json::array()), user("hi")})) ==
        "messages.0: all messages must have non-empty content except for the optional final "
        "assistant message");
  CHECK(server->totals().refused == 4);
  // A final assistant message may be empty (a prefill), and gets the turn.
  CHECK(send(*server, "/v1/messages",
             anthropic({user("hi"), {{"role", "assistant"}, {"content", json::array()}}}))
            .status == 200);
}

}  // namespace
}  // namespace agentry::fakellm
