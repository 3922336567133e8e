// The fake server's prompt-cache accounting, driven by hand-built requests over HTTP:
// Anthropic's breakpoints, 20-block lookback and 1,024-token minimum, OpenAI's automatic prefix
// caching in 128-token steps, and agentry's providers reading the counts.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "../llm_test_support.hpp"
#include "fake_requests.hpp"
#include "fakellm/prompt.hpp"

namespace agentry::fakellm {
namespace {

using namespace fake_requests;
using nlohmann::json;

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
    content.push_back(text_block(fmt::format("x{}", i), i == breakpoint));
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

json conversation(int turns) {
  json messages = json::array({{{"role", "system"}, {"content", words(3000)}}});
  for (int i = 0; i < turns; ++i) {
    messages.push_back(user(fmt::format("question {} {}", i, words(200, "ipsum"))));
    messages.push_back({{"role", "assistant"}, {"content", fmt::format("answer {}", i)}});
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
  changed["messages"][0]["content"] = fmt::format("Dolor {}", words(2999));
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
