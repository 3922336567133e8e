// Prompt caching: Anthropic cache_control breakpoints (where, how many, none with `cache: off`),
// OpenAI's prompt_cache_key (only where allowed), byte-identical bodies, cache usage read from
// streams, and the default cache prices.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/config.hpp"
#include "llm/anthropic_stream.hpp"
#include "llm/anthropic_wire.hpp"
#include "llm/openai_stream.hpp"
#include "llm/openai_wire.hpp"
#include "llm_test_support.hpp"

namespace agentry::llm {
namespace {

using nlohmann::json;
using namespace testing;

/// The JSON pointers of every object that carries cache_control, in document order.
void find_breakpoints(const json& j, const std::string& at, std::vector<std::string>& out) {
  if (j.is_object()) {
    if (j.contains("cache_control")) {
      CHECK(j["cache_control"] == json{{"type", "ephemeral"}});
      out.push_back(at);
    }
    for (const auto& [key, value] : j.items())
      find_breakpoints(value, at + "/" + key, out);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      find_breakpoints(j[i], fmt::format("{}/{}", at, i), out);
  }
}

json without_marks(json j) {
  if (j.is_object()) {
    j.erase("cache_control");
    for (auto& [key, value] : j.items())
      value = without_marks(value);
  } else if (j.is_array()) {
    for (auto& value : j)
      value = without_marks(value);
  }
  return j;
}

std::vector<std::string> breakpoints(const json& body) {
  std::vector<std::string> out;
  find_breakpoints(body, "", out);
  return out;
}

ToolSchema tool(std::string name) {
  return {std::move(name), "d", {{"type", "object"}, {"properties", json::object()}}};
}

/// A session of `turns` tool rounds, each with `calls` parallel calls.
CompletionRequest session(int turns, int calls = 1) {
  CompletionRequest r;
  r.model = "claude-sonnet-4-5";
  r.system = "You are a Rust engineer.";
  r.tools = {tool("read_file"), tool("cargo_check")};
  r.messages.push_back(Message::user("Fix the build."));
  for (int t = 0; t < turns; ++t) {
    std::vector<ToolCall> tool_calls;
    std::vector<ToolResult> results;
    for (int c = 0; c < calls; ++c) {
      std::string id = fmt::format("toolu_{}_{}", t, c);
      tool_calls.push_back({id, "read_file", {{"path", fmt::format("src/{}.rs", c)}}, ""});
      results.push_back({id, "read_file", fmt::format("contents {} {}", t, c), false});
    }
    r.messages.push_back(Message::assistant("", std::move(tool_calls)));
    r.messages.push_back(Message::tool(std::move(results)));
  }
  return r;
}

TEST_CASE("Anthropic: breakpoints on the tools, the system prompt, the newest and previous turn") {
  json body = anthropic_request_json(session(2), AnthropicOptions{});
  CHECK(breakpoints(body) == std::vector<std::string>{"/messages/2/content/0",
                                                      "/messages/4/content/0", "/system/0",
                                                      "/tools/1"});
  CHECK(body["system"] == json::array({{{"type", "text"},
                                        {"text", "You are a Rust engineer."},
                                        {"cache_control", {{"type", "ephemeral"}}}}}));
}

TEST_CASE("Anthropic: never more than four breakpoints, however the conversation looks") {
  for (int turns : {0, 1, 3, 40}) {
    for (int calls : {1, 25}) {
      CAPTURE(turns);
      CAPTURE(calls);
      CompletionRequest r = session(turns, calls);
      for (bool tools : {true, false}) {
        for (bool system : {true, false}) {
          CompletionRequest v = r;
          if (!tools) v.tools.clear();
          if (!system) v.system.clear();
          auto marks = breakpoints(anthropic_request_json(v, AnthropicOptions{}));
          CHECK(marks.size() <= static_cast<std::size_t>(kMaxCacheBreakpoints));
          std::size_t expected = (tools ? 1 : 0) + (system ? 1 : 0) + (turns == 0 ? 1 : 2);
          CHECK(marks.size() == expected);
        }
      }
    }
  }
  json paused = json::array({{{"type", "server_tool_use"}, {"id", "srvtoolu_1"}}});
  auto continued = breakpoints(anthropic_request_json(session(3), AnthropicOptions{}, paused));
  CHECK(continued.size() == 4);
}

TEST_CASE(
    "Anthropic: this request's second breakpoint is where the previous request put its last") {
  for (int calls : {1, 25}) {
    CAPTURE(calls);
    json before = anthropic_request_json(session(4, calls), AnthropicOptions{});
    json after = anthropic_request_json(session(5, calls), AnthropicOptions{});
    json newest_before = before["messages"].back()["content"].back();
    auto marks = breakpoints(after);
    REQUIRE(marks.size() == 4);
    json previous_after = after[json::json_pointer(marks[0])];
    CHECK(previous_after == newest_before);
    // Everything up to the old breakpoint is what the previous request sent; only the markers
    // moved (they are not part of the cached content).
    for (std::size_t i = 0; i < before["messages"].size(); ++i)
      CHECK(without_marks(after["messages"][i]) == without_marks(before["messages"][i]));
  }
}

TEST_CASE("Anthropic: `cache: off` sends no breakpoint and the system prompt as a string") {
  AnthropicOptions off;
  off.cache = false;
  json body = anthropic_request_json(session(3), off);
  CHECK(breakpoints(body).empty());
  CHECK(body["system"] == "You are a Rust engineer.");
}

TEST_CASE("identical inputs give byte-identical bodies") {
  CompletionRequest r = session(3);
  r.cache_key = "session-1";
  AnthropicWire anthropic(AnthropicOptions{});
  CHECK(*anthropic.request_body(r) == *anthropic.request_body(session(3)));
  OpenAiOptions o;
  o.send_cache_key = true;
  OpenAiWire openai(o);
  CHECK(*openai.request_body(r) == *openai.request_body(r));
  auto copy = r;
  CHECK(*openai.request_body(copy) == *openai.request_body(r));
}

TEST_CASE("OpenAI: prompt_cache_key is sent only when the provider allows it and a key is set") {
  CompletionRequest r = session(1);
  r.cache_key = "0192-session";
  OpenAiOptions o;
  CHECK_FALSE(openai_request_json(r, o).contains("prompt_cache_key"));
  o.send_cache_key = true;
  CHECK(openai_request_json(r, o)["prompt_cache_key"] == "0192-session");
  r.cache_key.clear();
  CHECK_FALSE(openai_request_json(r, o).contains("prompt_cache_key"));

  ProviderConfig c;
  c.base_url = "https://api.openai.com/v1";
  CHECK(sends_prompt_cache_key(c));
  c.cache = false;
  CHECK_FALSE(sends_prompt_cache_key(c));
  c.cache = true;
  c.prompt_cache_key = false;
  CHECK_FALSE(sends_prompt_cache_key(c));
  for (const char* other : {"http://127.0.0.1:8000/v1", "https://openrouter.ai/api/v1",
                            "https://api.openai.com.example.org/v1"}) {
    CAPTURE(other);
    ProviderConfig local;
    local.base_url = other;
    CHECK_FALSE(sends_prompt_cache_key(local));
    local.prompt_cache_key = true;
    CHECK(sends_prompt_cache_key(local));
  }
}

/// The JSON body of the one request a provider made for `config` against a fake server.
json sent_body(ProviderConfig (*configure)(const fakellm::FakeLlmServer&), CompletionRequest r) {
  CurlGlobal curl;
  ProviderRun run;
  run.server = start_fake("- text: ok\n");
  auto provider = make_test_provider(curl, configure(*run.server), run.waits);
  run.result = provider->complete(r, run.got.sink(), {});
  REQUIRE(run.result.has_value());
  auto requests = run.server->requests();
  REQUIRE(requests.size() == 1);
  return requests[0].json;
}

TEST_CASE("through the provider: the config's cache and prompt_cache_key keys take effect") {
  CompletionRequest r = session(2);
  r.model = "fake-model";
  r.cache_key = "s-1";
  json anthropic_on = sent_body(
      [](const fakellm::FakeLlmServer& s) {
        return fake_provider_config(ProviderKind::kAnthropic, s);
      },
      r);
  CHECK(breakpoints(anthropic_on).size() == 4);
  json anthropic_off = sent_body(
      [](const fakellm::FakeLlmServer& s) {
        auto c = fake_provider_config(ProviderKind::kAnthropic, s);
        c.cache = false;
        return c;
      },
      r);
  CHECK(breakpoints(anthropic_off).empty());

  json openai_default = sent_body(
      [](const fakellm::FakeLlmServer& s) {
        return fake_provider_config(ProviderKind::kOpenAi, s);
      },
      r);
  CHECK_FALSE(openai_default.contains("prompt_cache_key"));
  CHECK(breakpoints(openai_default).empty());
  json openai_keyed = sent_body(
      [](const fakellm::FakeLlmServer& s) {
        auto c = fake_provider_config(ProviderKind::kOpenAi, s);
        c.prompt_cache_key = true;
        return c;
      },
      r);
  CHECK(openai_keyed["prompt_cache_key"] == "s-1");
}

TEST_CASE("cache reads and writes are read from both streams' usage") {
  auto openai = decode_sse<OpenAiStreamDecoder>(
      "data: "
      "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12000,\"completion_tokens\":30,"
      "\"prompt_tokens_details\":{\"cached_tokens\":11520}}}\n\n"
      "data: [DONE]\n\n");
  CHECK(openai.completion.usage == Usage{480, 30, 11'520, 0});

  auto anthropic = decode_sse<AnthropicStreamDecoder>(
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"m\","
      "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":2100,"
      "\"cache_read_input_tokens\":30000,\"output_tokens\":1}}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
      "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
      "\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
      "\"end_turn\"},\"usage\":{\"output_tokens\":40}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  CHECK(anthropic.completion.usage == Usage{12, 40, 30'000, 2'100});

  auto cumulative = decode_sse<AnthropicStreamDecoder>(
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":"
      "{\"input_tokens\":0,\"output_tokens\":0}}}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
      "\"end_turn\"},\"usage\":{\"input_tokens\":7,\"cache_creation_input_tokens\":50,"
      "\"cache_read_input_tokens\":900,\"output_tokens\":3}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  CHECK(cumulative.completion.usage == Usage{7, 3, 900, 50});
}

TEST_CASE("prices without cache rates get the provider kind's defaults") {
  auto c = Config::from_yaml(R"(
providers:
  a:
    kind: anthropic
    prices:
      claude-sonnet-4-5: {input: 3, output: 15}
      custom: {input: 3, output: 15, cache_read: 0, cache_write: 4}
  o:
    kind: openai
    prices: {gpt-4.1: {input: 2, output: 8}}
)",
                             "/p/config.yaml");
  REQUIRE(c.has_value());
  auto loaded = load_llm_config(*c, Environment{});
  REQUIRE(loaded.has_value());
  const auto& sonnet = loaded->find("a")->prices.at("claude-sonnet-4-5");
  CHECK(sonnet.cache_read == doctest::Approx(0.3));
  CHECK(sonnet.cache_write == doctest::Approx(3.75));
  const auto& custom = loaded->find("a")->prices.at("custom");
  CHECK(custom.cache_read == 0);
  CHECK(custom.cache_write == 4);
  const auto& gpt = loaded->find("o")->prices.at("gpt-4.1");
  CHECK(gpt.cache_read == doctest::Approx(1.0));
  CHECK(gpt.cache_write == doctest::Approx(2.0));
}

TEST_CASE("`cache` and `prompt_cache_key` are read as on/off switches") {
  auto load = [](std::string_view keys) {
    auto c = Config::from_yaml(fmt::format("providers:\n  p:\n    kind: openai\n{}", keys),
                               "/p/config.yaml");
    REQUIRE(c.has_value());
    return load_llm_config(*c, Environment{});
  };
  auto defaults = load("");
  REQUIRE(defaults.has_value());
  CHECK(defaults->providers[0].cache);
  CHECK_FALSE(defaults->providers[0].prompt_cache_key.has_value());
  for (const char* off : {"    cache: off\n", "    cache: false\n", "    cache: \"no\"\n"}) {
    CAPTURE(off);
    auto r = load(off);
    REQUIRE(r.has_value());
    CHECK_FALSE(r->providers[0].cache);
  }
  auto keyed = load("    cache: on\n    prompt_cache_key: true\n");
  REQUIRE(keyed.has_value());
  CHECK(keyed->providers[0].cache);
  CHECK(keyed->providers[0].prompt_cache_key == true);
  auto bad = load("    cache: sometimes\n");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().where == "/p/config.yaml:4:12");
}

}  // namespace
}  // namespace agentry::llm
