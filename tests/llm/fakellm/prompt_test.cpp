// The fake server's tokenizer, its view of a request as blocks, and the cache bookkeeping on
// its own (times passed in, no HTTP).
#include "fakellm/prompt.hpp"

#include <doctest/doctest.h>

#include "core/config.hpp"
#include "fakellm/accounting.hpp"
#include "fakellm/script.hpp"

namespace agentry::fakellm {
namespace {

using nlohmann::json;

TEST_CASE("the fake's tokenizer counts like a BPE one, not by bytes") {
  CHECK(count_tokens("") == 0);
  CHECK(count_tokens("hello world") == 2);     // a leading space joins the word
  CHECK(count_tokens("implementation") == 4);  // long words: a token per 4 letters
  CHECK(count_tokens("abcdef") == 1);          // up to 6 letters: one token
  CHECK(count_tokens("1234567") == 3);         // digits in threes
  CHECK(count_tokens("{\"a\":1}") == 5);       // {" a ": 1 }
  CHECK(count_tokens("a\n\n\nb") == 4);        // line breaks in pairs
  CHECK(count_tokens("héllo") == 3);           // h, é, llo
  CHECK(count_tokens("    x") == 2);           // indentation, then the word
  // Prose and JSON differ in bytes per token, so a client must calibrate on reported usage.
  std::string prose = "the quick brown fox jumps over the lazy dog ";
  std::string code = R"({"path":"src/main.rs","line":42,"col":7},)";
  double prose_ratio = static_cast<double>(prose.size()) / static_cast<double>(count_tokens(prose));
  double code_ratio = static_cast<double>(code.size()) / static_cast<double>(count_tokens(code));
  CHECK(prose_ratio > 4.0);
  CHECK(code_ratio < 2.5);
}

TEST_CASE("an Anthropic request becomes blocks in tools, system, messages order") {
  json body = {
      {"model", "m"},
      {"tools", {{{"name", "read_file"}, {"input_schema", {{"type", "object"}}}}}},
      {"system",
       {{{"type", "text"}, {"text", "You are a helper."}, {"cache_control", {{"type", "x"}}}}}},
      {"messages",
       {{{"role", "user"}, {"content", "fix it"}},
        {{"role", "assistant"},
         {"content",
          {{{"type", "text"}, {"text", "Reading."}},
           {{"type", "tool_use"},
            {"id", "t1"},
            {"name", "read_file"},
            {"input", {{"path", "a.rs"}}}}}}},
        {{"role", "user"},
         {"content",
          {{{"type", "tool_result"},
            {"tool_use_id", "t1"},
            {"content", "fn main() {}"},
            {"cache_control", {{"type", "ephemeral"}}}}}}}}}};
  Prompt p = anthropic_prompt(body.dump());
  REQUIRE(p.blocks.size() == 6);  // tool, system, "fix it", text, tool_use, tool_result
  CHECK(p.blocks[1].breakpoint);
  CHECK(p.blocks[5].breakpoint);
  CHECK_FALSE(p.blocks[0].breakpoint);
  CHECK(p.blocks.back().end == p.token_count());
  for (std::size_t i = 1; i < p.blocks.size(); ++i)
    CHECK(p.blocks[i].end > p.blocks[i - 1].end);

  // cache_control is not part of the prefix, whitespace in the JSON is not, content is.
  json moved = body;
  moved["system"][0].erase("cache_control");
  Prompt q = anthropic_prompt(moved.dump(2));
  CHECK(q.blocks[4].prefix_hash == p.blocks[4].prefix_hash);
  CHECK(q.token_count() == p.token_count());
  moved["messages"][1]["content"][1]["input"]["path"] = "b.rs";
  Prompt r = anthropic_prompt(moved.dump());
  CHECK(r.blocks[3].prefix_hash == p.blocks[3].prefix_hash);
  CHECK(r.blocks[4].prefix_hash != p.blocks[4].prefix_hash);
  CHECK(anthropic_prompt("not json").token_count() == 0);
  // cache_control on a block inside a tool result makes the tool result a breakpoint.
  json nested = body;
  json& result = nested["messages"][2]["content"][0];
  result.erase("cache_control");
  CHECK_FALSE(anthropic_prompt(nested.dump()).blocks[5].breakpoint);
  result["content"] = {
      {{"type", "text"}, {"text", "fn main() {}"}, {"cache_control", {{"type", "ephemeral"}}}}};
  Prompt n = anthropic_prompt(nested.dump());
  CHECK(n.blocks[5].breakpoint);
  CHECK(n.token_count() == p.token_count());
}

TEST_CASE("an OpenAI request counts tools, roles, content, tool calls and their results") {
  json call = {{"id", "c1"},
               {"type", "function"},
               {"function", {{"name", "read_file"}, {"arguments", R"({"path":"a.rs"})"}}}};
  json body = {{"model", "m"},
               {"messages",
                {{{"role", "user"}, {"content", "fix it"}},
                 {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call}}},
                 {{"role", "tool"}, {"tool_call_id", "c1"}, {"content", "fn main() {}"}}}}};
  std::int64_t without_tools = openai_prompt(body.dump()).token_count();
  // role + 2 words + end; role + call marker + c1 + read_file + arguments + end; role + ...
  CHECK(without_tools == (1 + 2 + 1) +
                             (1 + 1 + count_tokens("c1") + count_tokens("read_file") +
                              count_tokens(R"({"path":"a.rs"})") + 1) +
                             (1 + count_tokens("fn main() {}") + count_tokens("c1") + 1));
  body["tools"] = {{{"type", "function"}, {"function", {{"name", "read_file"}}}}};
  CHECK(openai_prompt(body.dump()).token_count() > without_tools);
}

/// A prompt of `blocks` blocks of `tokens` tokens each, breakpoints where `breakpoint` says.
template <class Breakpoint>
Prompt blocks_of(int blocks, int tokens, Breakpoint breakpoint, std::uint64_t seed = 1) {
  Prompt p;
  std::uint64_t h = seed;
  for (int b = 0; b < blocks; ++b) {
    for (int t = 0; t < tokens; ++t)
      p.tokens.push_back(hash_mix(seed, p.tokens.size()));
    h = hash_mix(h, static_cast<std::uint64_t>(b));
    p.blocks.push_back({p.token_count(), h, breakpoint(b)});
  }
  return p;
}

TEST_CASE("Anthropic cache entries expire cache_ttl_ms after their last write or read") {
  ServerSettings s;
  s.cache_ttl_ms = 1000;
  Accountant a(s);
  json body = {{"model", "m"}};
  Prompt p = blocks_of(4, 400, [](int b) { return b == 3; });
  auto t0 = Accountant::Clock::time_point{} + std::chrono::hours(1);
  using std::chrono::milliseconds;
  CHECK(a.serve(Protocol::kAnthropic, p, body, t0).cache_write == 1600);
  CHECK(a.serve(Protocol::kAnthropic, p, body, t0 + milliseconds(900)).cache_read == 1600);
  // The read refreshed it: 1,800 ms after the write it is still there.
  CHECK(a.serve(Protocol::kAnthropic, p, body, t0 + milliseconds(1800)).cache_read == 1600);
  RequestTokens late = a.serve(Protocol::kAnthropic, p, body, t0 + milliseconds(3000));
  CHECK(late.cache_read == 0);
  CHECK(late.cache_write == 1600);
  // Another model has its own cache.
  CHECK(a.serve(Protocol::kAnthropic, p, {{"model", "n"}}, t0 + milliseconds(3000)).cache_read ==
        0);
}

TEST_CASE("the lookback and the minimum follow the settings") {
  ServerSettings s;
  s.cache_lookback_blocks = 2;
  s.cache_min_tokens = 100;
  Accountant a(s);
  json body = {{"model", "m"}};
  CHECK(a.serve(Protocol::kAnthropic, blocks_of(2, 50, [](int b) { return b == 1; }), body)
            .cache_write == 100);
  // Three blocks past the entry: missed with a lookback of 2.
  RequestTokens far =
      a.serve(Protocol::kAnthropic, blocks_of(5, 50, [](int b) { return b == 4; }), body);
  CHECK(far.cache_read == 0);
  CHECK(far.cache_write == 250);
  RequestTokens near =
      a.serve(Protocol::kAnthropic, blocks_of(4, 50, [](int b) { return b == 3; }), body);
  CHECK(near.cache_read == 100);
  CHECK(near.cache_write == 100);
  CHECK(near.input == 0);
  // Under the minimum: nothing cached, all of it input.
  RequestTokens small = a.serve(Protocol::kAnthropic,
                                blocks_of(
                                    1, 99, [](int) { return true; }, 7),
                                body);
  CHECK(small.cache_write == 0);
  CHECK(small.input == 99);
}

TEST_CASE("a script's server settings") {
  auto doc = yaml_to_json(R"(
server:
  context_window: 32000
  max_output: 4096
  context_error: llamacpp
  cache_min_tokens: 2048
  cache_lookback_blocks: 10
  cache_max_breakpoints: 2
  cache_ttl_ms: 300000
  prefix_cache: false
  prefix_cache_step: 64
  served_model: qwen
turns: [done]
)",
                          "script.yaml");
  REQUIRE(doc);
  auto script = parse_script(*doc);
  REQUIRE_MESSAGE(script.has_value(), (script ? "" : script.error().to_string()));
  const ServerSettings& s = script->server;
  CHECK(s.context_window == 32000);
  CHECK(s.max_output == 4096);
  CHECK(s.context_error == "llamacpp");
  CHECK(s.cache_min_tokens == 2048);
  CHECK(s.cache_lookback_blocks == 10);
  CHECK(s.cache_max_breakpoints == 2);
  CHECK(s.cache_ttl_ms == 300000);
  CHECK_FALSE(s.prefix_cache);
  CHECK(s.prefix_cache_step == 64);
  CHECK(s.served_model == "qwen");

  auto bad = [](std::string_view yaml) {
    auto d = yaml_to_json(yaml, "script.yaml");
    REQUIRE(d);
    auto r = parse_script(*d);
    REQUIRE_FALSE(r.has_value());
    return r.error().message;
  };
  CHECK(
      bad("server: {context_windw: 5}\nturns: [a]\n").find("`context_windw` is not a known key") !=
      std::string::npos);
  CHECK(bad("server: {context_error: azure}\nturns: [a]\n").find("openai, vllm or llamacpp") !=
        std::string::npos);
  CHECK(bad("server: {context_window: -1}\nturns: [a]\n").find("must not be negative") !=
        std::string::npos);
  CHECK(bad("server: [1]\nturns: [a]\n").find("`server` must be a mapping") != std::string::npos);
}

TEST_CASE("what the fake tells about itself: models, llama.cpp props, Anthropic token counts") {
  ServerSettings s;
  s.context_window = 32000;
  s.served_model = "qwen-coder";
  auto models = json::parse(*service_info(s, "GET", "/v1/models", ""));
  CHECK(models["data"][0]["id"] == "qwen-coder");
  CHECK_FALSE(models["data"][0].contains("max_model_len"));  // OpenAI's list tells no window
  s.context_error = "vllm";
  models = json::parse(*service_info(s, "GET", "/models", ""));
  CHECK(models["data"][0]["max_model_len"] == 32000);
  CHECK_FALSE(service_info(s, "GET", "/props", ""));
  s.context_error = "llamacpp";
  auto props = json::parse(*service_info(s, "GET", "/props", ""));
  CHECK(props["default_generation_settings"]["n_ctx"] == 32000);
  std::string body = R"({"model":"m","messages":[{"role":"user","content":"hello world"}]})";
  CHECK(json::parse(*service_info(s, "POST", "/v1/messages/count_tokens", body)) ==
        json{{"input_tokens", 3}});
  CHECK_FALSE(service_info(s, "POST", "/v1/models", ""));
}

}  // namespace
}  // namespace agentry::fakellm
