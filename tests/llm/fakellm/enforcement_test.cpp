// What the fake server enforces and accounts as the real services do, driven by hand-built
// requests over HTTP: the context window's exact errors, Anthropic's prompt cache, OpenAI's
// automatic prefix caching, and the counters tests read.
#include <doctest/doctest.h>

#include "../llm_test_support.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "fakellm/prompt.hpp"
#include "llm/http_client.hpp"

namespace agentry::fakellm {
namespace {

using nlohmann::json;

struct Reply {
  long status = 0;
  std::string body;
  llm::HttpResponse response;
  json json_body() const { return json::parse(body); }
};

/// Posts `body` (as `text` when given, e.g. pretty-printed) to the server's `path`.
Reply send(const FakeLlmServer& server, std::string_view path, const json& body,
           std::string text = "") {
  llm::CurlGlobal curl;
  llm::HttpClient client(curl, {}, nullptr);
  Reply reply;
  auto r = client.post(
      {server.url(path), {{"Content-Type", "application/json"}}, text.empty() ? body.dump() : text},
      [&](std::string_view b) {
        reply.body.append(b);
        return true;
      },
      {});
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().to_string()));
  reply.status = r->status;
  reply.response = *r;
  if (reply.status >= 300) reply.body = r->error_body;
  return reply;
}

/// `n` words of filler: exactly `n` tokens.
std::string words(int n, std::string_view word = "lorem") {
  std::string out(word);
  for (int i = 1; i < n; ++i) {
    out += ' ';
    out += word;
  }
  return out;
}

std::unique_ptr<FakeLlmServer> serve(std::string_view yaml, std::optional<ServerSettings> s = {}) {
  auto doc = yaml_to_json(yaml, "inline script");
  REQUIRE(doc.has_value());
  auto script = parse_script(*doc);
  REQUIRE_MESSAGE(script.has_value(), (script ? "" : script.error().to_string()));
  FakeLlmOptions options;
  options.server = std::move(s);
  auto server = FakeLlmServer::start(std::move(*script), std::move(options));
  REQUIRE(server.has_value());
  return std::move(*server);
}

ServerSettings window(std::int64_t tokens, std::int64_t max_output = 0) {
  ServerSettings s;
  s.context_window = tokens;
  s.max_output = max_output;
  return s;
}

json anthropic(json messages, json system = nullptr, int max_tokens = 1024) {
  json body = {{"model", "claude-test"}, {"max_tokens", max_tokens}, {"messages", messages}};
  if (!system.is_null()) body["system"] = std::move(system);
  return body;
}

json user(json content) {
  return {{"role", "user"}, {"content", std::move(content)}};
}

json text_block(std::string text, bool breakpoint = false) {
  json b = {{"type", "text"}, {"text", std::move(text)}};
  if (breakpoint) b["cache_control"] = {{"type", "ephemeral"}};
  return b;
}

json openai(json messages) {
  return {{"model", "gpt-test"}, {"messages", std::move(messages)}};
}

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

json cached_system(int tokens) {
  return json::array({text_block(words(tokens), true)});
}

TEST_CASE("Anthropic: the second request reads the prefix the first wrote") {
  auto server = serve("- a\n- b\n- c\n- d\n- e\n");
  json system = cached_system(1500);  // system marker + 1,500 words: 1,501 tokens
  json first = anthropic({user({text_block("hi", true)})}, system);
  Reply r1 = send(*server, "/v1/messages", first);
  // Blocks: system (1,501 tokens, breakpoint), user "hi" (2 more, breakpoint).
  CHECK(r1.json_body()["usage"] == json{{"input_tokens", 0},
                                        {"output_tokens", 1},
                                        {"cache_creation_input_tokens", 1503},
                                        {"cache_read_input_tokens", 0}});
  // The next turn moves the message breakpoint to the newest message.
  json second = anthropic({user({text_block("hi")}),
                           {{"role", "assistant"}, {"content", {text_block("ok")}}},
                           user({text_block("more", true)}),
                           user("then go on")},
                          system);
  Reply r2 = send(*server, "/v1/messages", second);
  CHECK(r2.json_body()["usage"]["cache_read_input_tokens"] == 1503);
  CHECK(r2.json_body()["usage"]["cache_creation_input_tokens"] == 4);  // ok, more (+ roles)
  CHECK(r2.json_body()["usage"]["input_tokens"] == 4);                 // role + 3 words
  // Streamed: message_start and message_delta carry the same counts.
  second["stream"] = true;
  Reply r3 = send(*server, "/v1/messages", second);
  CHECK(r3.body.find(R"("cache_read_input_tokens":1507)") != std::string::npos);
  auto start = r3.body.find("message_start");
  auto delta = r3.body.find("message_delta");
  REQUIRE(delta != std::string::npos);
  CHECK(r3.body.find(R"("cache_read_input_tokens":1507)", delta) != std::string::npos);
  CHECK(r3.body.find(R"("cache_read_input_tokens":1507)", start) < delta);
  // Without cache_control nothing is cached, however often the prefix repeats.
  json plain = anthropic({user(words(3000))}, words(1500));
  send(*server, "/v1/messages", plain);
  Reply again = send(*server, "/v1/messages", plain);
  CHECK(again.json_body()["usage"]["cache_read_input_tokens"] == 0);
  CHECK(again.json_body()["usage"]["cache_creation_input_tokens"] == 0);
  CHECK(again.json_body()["usage"]["input_tokens"] == 4502);

  auto requests = server->requests();
  REQUIRE(requests.size() == 5);
  CHECK(requests[1].tokens.cache_read == 1503);
  CHECK(requests[1].tokens.cache_write == 4);
  CHECK(requests[1].tokens.input == 4);
  CHECK(requests[1].tokens.prompt == 1511);
  TokenTotals totals = server->totals();
  CHECK(totals.cache_read == 1503 + 1507);
  CHECK(totals.cache_write == 1503 + 4);
}

/// A user message of `n` blocks "x0".."x{n-1}", the breakpoint on block `breakpoint`.
json numbered_blocks(int n, int breakpoint) {
  json content = json::array();
  for (int i = 0; i < n; ++i)
    content.push_back(text_block("x" + std::to_string(i), i == breakpoint));
  return user(content);
}

TEST_CASE("Anthropic: a breakpoint more than 20 blocks past the cached one misses") {
  auto server = serve("- a\n- b\n- c\n");
  json system = cached_system(1500);
  // Block 0: the system prompt; block 1: x0, both breakpoints.
  Reply r1 = send(*server, "/v1/messages", anthropic({numbered_blocks(1, 0)}, system));
  std::int64_t written = r1.json_body()["usage"]["cache_creation_input_tokens"];
  CHECK(written == 1501 + 3);  // role marker, x, 0
  json no_cache_system = json::array({text_block(words(1500))});
  // The only breakpoint on x21: 21 blocks past x0, beyond the lookback.
  Reply far = send(*server, "/v1/messages", anthropic({numbered_blocks(22, 21)}, no_cache_system));
  CHECK(far.json_body()["usage"]["cache_read_input_tokens"] == 0);
  CHECK(far.json_body()["usage"]["cache_creation_input_tokens"] ==
        server->requests()[1].tokens.prompt);
  // On x20, 20 blocks past x0: found.
  Reply near = send(*server, "/v1/messages", anthropic({numbered_blocks(21, 20)}, no_cache_system));
  CHECK(near.json_body()["usage"]["cache_read_input_tokens"] == written);
  CHECK(near.json_body()["usage"]["cache_creation_input_tokens"] ==
        server->requests()[2].tokens.prompt - written);
}

TEST_CASE("Anthropic: a prefix under the minimum is not cached, and five breakpoints are refused") {
  auto server = serve("- a\n- b\n- c\n");
  json small = anthropic({user({text_block("hi", true)})}, cached_system(1000));
  for (int i = 0; i < 2; ++i) {
    Reply r = send(*server, "/v1/messages", small);
    CHECK(r.json_body()["usage"]["cache_creation_input_tokens"] == 0);
    CHECK(r.json_body()["usage"]["cache_read_input_tokens"] == 0);
    CHECK(r.json_body()["usage"]["input_tokens"] == 1003);
  }
  json five = json::array();
  for (int i = 0; i < 5; ++i)
    five.push_back(text_block(words(10), true));
  Reply refused = send(*server, "/v1/messages", anthropic({user(five)}));
  CHECK(refused.status == 400);
  CHECK(refused.json_body()["error"] ==
        json{{"type", "invalid_request_error"},
             {"message", "A maximum of 4 blocks with cache_control may be provided. Found 5."}});
  CHECK(server->requests().back().refused);
}

/// The last `usage` object of an OpenAI stream.
json last_usage(const std::string& stream) {
  json usage;
  std::size_t at = 0;
  while ((at = stream.find("data: {", at)) != std::string::npos) {
    std::size_t end = stream.find('\n', at);
    json chunk = json::parse(stream.substr(at + 6, end - at - 6));
    if (chunk.contains("usage") && chunk["usage"].is_object()) usage = chunk["usage"];
    at = end;
  }
  return usage;
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

json conversation(int turns) {
  json messages = json::array({{{"role", "system"}, {"content", words(3000)}}});
  for (int i = 0; i < turns; ++i) {
    messages.push_back(user("question " + std::to_string(i) + " " + words(200, "ipsum")));
    messages.push_back({{"role", "assistant"}, {"content", "answer " + std::to_string(i)}});
  }
  messages.push_back(user("and now?"));
  return openai(messages);
}

TEST_CASE("OpenAI: automatic prefix caching in 128-token steps from 1,024 tokens") {
  auto server = serve("- a\n- b\n- c\n- d\n- e\n- f\n- g\n");
  json first = conversation(0);
  Reply r1 = send(*server, "/v1/chat/completions", first);
  std::int64_t p1 = r1.json_body()["usage"]["prompt_tokens"];
  CHECK(r1.json_body()["usage"]["prompt_tokens_details"]["cached_tokens"] == 0);
  // The next turn repeats the first request's prompt: the longest 1,024 + 128·k prefix of it.
  json second = conversation(1);
  Reply r2 = send(*server, "/v1/chat/completions", second);
  std::int64_t cached = r2.json_body()["usage"]["prompt_tokens_details"]["cached_tokens"];
  CHECK(cached >= 1024);
  CHECK((cached - 1024) % 128 == 0);
  CHECK(cached <= p1 - 4);  // the first request's "and now?" differs from the second's text
  CHECK(cached > p1 - 4 - 128);
  // Streamed with include_usage: in the final usage chunk; whitespace in the JSON is no change.
  json third = conversation(2);
  third["stream"] = true;
  third["stream_options"] = {{"include_usage", true}};
  Reply r3 = send(*server, "/v1/chat/completions", third, third.dump(2));
  json usage = last_usage(r3.body);
  std::int64_t p2 = r2.json_body()["usage"]["prompt_tokens"];
  CHECK(usage["prompt_tokens_details"]["cached_tokens"].get<std::int64_t>() > p2 - 4 - 128);
  // Another prompt_cache_key reaches another cache; one changed token at the start, nothing.
  json keyed = conversation(2);
  keyed["prompt_cache_key"] = "session-2";
  CHECK(send(*server, "/v1/chat/completions", keyed)
            .json_body()["usage"]["prompt_tokens_details"]["cached_tokens"] == 0);
  json changed = conversation(2);
  changed["messages"][0]["content"] = "Dolor " + words(2999);
  CHECK(send(*server, "/v1/chat/completions", changed)
            .json_body()["usage"]["prompt_tokens_details"]["cached_tokens"] == 0);
  // Under 1,024 tokens nothing is cached.
  json small = openai({user(words(900))});
  send(*server, "/v1/chat/completions", small);
  CHECK(send(*server, "/v1/chat/completions", small)
            .json_body()["usage"]["prompt_tokens_details"]["cached_tokens"] == 0);
  CHECK(server->totals().cache_read > 0);
}

TEST_CASE("OpenAI prefix caching can be turned off") {
  ServerSettings s;
  s.prefix_cache = false;
  auto server = serve("- a\n- b\n", s);
  send(*server, "/v1/chat/completions", conversation(0));
  Reply r = send(*server, "/v1/chat/completions", conversation(1));
  CHECK(r.json_body()["usage"]["prompt_tokens_details"]["cached_tokens"] == 0);
}

TEST_CASE("agentry's providers read the fake's counts from the stream") {
  for (auto kind : {llm::ProviderKind::kOpenAi, llm::ProviderKind::kAnthropic}) {
    CAPTURE(static_cast<int>(kind));
    llm::CurlGlobal curl;
    llm::testing::RecordedWaits waits;
    auto server = serve("- first answer\n- second answer\n");
    auto provider = llm::testing::make_test_provider(
        curl, llm::testing::fake_provider_config(kind, *server), waits);
    llm::CompletionRequest request = llm::testing::simple_request("the question");
    request.system = words(2000);
    std::vector<Usage> usages;
    for (int turn = 0; turn < 2; ++turn) {
      llm::testing::Collected got;
      auto c = provider->complete(request, got.sink(), {});
      REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
      usages.push_back(c->usage);
      request.messages.push_back(c->message);
      request.messages.push_back(Message::user("go on"));
    }
    auto requests = server->requests();
    REQUIRE(requests.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      const Usage& u = usages[i];
      CHECK(u.input_tokens + u.cache_read_tokens + u.cache_write_tokens ==
            requests[i].tokens.prompt);
      CHECK(u.output_tokens == 2);
      CHECK(u.cache_read_tokens == requests[i].tokens.cache_read);
    }
    // OpenAI caches the repeated prefix on its own (Anthropic only where cache_control says).
    if (kind == llm::ProviderKind::kOpenAi) CHECK(usages[1].cache_read_tokens >= 1024);
  }
}

}  // namespace
}  // namespace agentry::fakellm
