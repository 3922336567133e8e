// What one model response may cost: a server that streams without end (text, keep-alive
// comments, one tool call's arguments) is cut at a documented limit, with an error that names
// the limit and the config key that raises it, and it is not retried; a payload nested too deep
// is refused before it is parsed.
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "llm/anthropic_stream.hpp"
#include "llm/http_provider.hpp"
#include "llm/openai_stream.hpp"
#include "llm/tool_call_parts.hpp"
#include "llm_test_support.hpp"

namespace agentry::llm {
namespace {

using namespace testing;

void run(ProviderRun& r, std::string_view yaml, ProviderKind kind, ResponseLimits limits,
         std::chrono::milliseconds total = std::chrono::seconds(20), bool stream = true) {
  CurlGlobal curl;
  r.server = start_fake(yaml);
  auto config = fake_provider_config(kind, *r.server);
  config.retry.max_retries = 2;
  config.limits = limits;
  config.timeouts.total = total;
  auto provider = make_test_provider(curl, config, r.waits);
  r.result = provider->complete(simple_request("hi", stream), r.got.sink(), {});
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string deep(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

const ProviderKind kKinds[] = {ProviderKind::kOpenAi, ProviderKind::kAnthropic};

}  // namespace

TEST_CASE("a model that streams text forever is cut at max_output_bytes and not retried") {
  for (ProviderKind kind : kKinds) {
    CAPTURE(to_string(kind));
    ProviderRun r;
    ResponseLimits limits;
    limits.max_output_bytes = 256 * 1024;
    // Unbounded: the stream ends only when the client hangs up. A retry would get "never".
    run(r, "- text: never\n  faults: [{endless: text}]\n", kind, limits);
    REQUIRE_FALSE(r.result.has_value());
    const Error& e = r.result.error();
    CHECK(e.code == ErrorCode::kLimit);
    CHECK_FALSE(e.retryable);
    CHECK(r.server->request_count() == 1);
    CHECK(contains(e.message, "holds more than max_output_bytes (262144 bytes) and was dropped"));
    CHECK(contains(e.message, "bytes of text and 0 bytes of tool-call arguments"));
    CHECK(contains(e.hint,
                   fmt::format("raise providers.{}.max_output_bytes in the config",
                               kind == ProviderKind::kOpenAi ? "fake-openai" : "fake-anthropic")));
    CHECK(e.where.starts_with(r.server->url()));
    // What reached the sink: the limit and at most one more delta (896 bytes).
    CHECK(r.got.text().size() > limits.max_output_bytes);
    CHECK(r.got.text().size() <= limits.max_output_bytes + 896);
    CHECK(r.got.calls().empty());
  }
}

TEST_CASE("endless keep-alive comments are cut at max_response_bytes") {
  for (ProviderKind kind : kKinds) {
    CAPTURE(to_string(kind));
    ProviderRun r;
    ResponseLimits limits;
    limits.max_response_bytes = 1 << 20;
    run(r, "- text: never\n  faults: [{endless: comments}]\n", kind, limits);
    REQUIRE_FALSE(r.result.has_value());
    const Error& e = r.result.error();
    CHECK(e.code == ErrorCode::kLimit);
    CHECK_FALSE(e.retryable);
    CHECK(r.server->request_count() == 1);
    CHECK(contains(e.message, "body is longer than max_response_bytes (1048576 bytes)"));
    CHECK(contains(e.message, "after 0 bytes of text"));
    CHECK(r.got.text().empty());
  }
}

TEST_CASE("the limits let a response that ends in time through: endless_bytes then the end") {
  ProviderRun r;
  ResponseLimits limits;
  limits.max_response_bytes = 1 << 20;
  run(r, "- text: fine\n  faults: [{endless: comments, endless_bytes: 100000}]\n",
      ProviderKind::kOpenAi, limits);
  REQUIRE_MESSAGE(r.result.has_value(), (r.result ? "" : r.result.error().to_string()));
  CHECK(r.got.text() == "fine");
}

TEST_CASE("a slow endless stream ends at the total timeout") {
  ProviderRun r;
  // Keep-alives arrive all the time, so the low-speed guard never fires: only the total does.
  run(r, "- text: never\n  faults: [{endless: comments, drip_tokens_per_second: 50, times: 9}]\n",
      ProviderKind::kOpenAi, ResponseLimits{}, std::chrono::milliseconds(600));
  REQUIRE_FALSE(r.result.has_value());
  const Error& e = r.result.error();
  CHECK(e.code == ErrorCode::kTimeout);
  CHECK(contains(e.message, "timed out"));
  CHECK(contains(e.hint, "timeouts"));
  CHECK(r.server->request_count() == 3);  // a timeout is retried (max_retries 2), then it fails
  CHECK(contains(e.message, "gave up after 2 retries"));
}

TEST_CASE("a 100 MB tool-call argument is refused at max_output_bytes, both wire formats") {
  for (ProviderKind kind : kKinds) {
    CAPTURE(to_string(kind));
    ProviderRun r;
    // 100 MB, then a proper end: without the limit the call would be delivered.
    run(r, R"(
- text: never
  tool_calls: [{id: call_big, name: write_file, arguments: {}}]
  faults: [{endless: arguments, endless_bytes: 104857600}]
)",
        kind, ResponseLimits{});
    REQUIRE_FALSE(r.result.has_value());
    const Error& e = r.result.error();
    CHECK(e.code == ErrorCode::kLimit);
    CHECK_FALSE(e.retryable);
    CHECK(r.server->request_count() == 1);
    CHECK(contains(e.message, "holds more than max_output_bytes (8388608 bytes)"));
    CHECK(contains(e.message, "after 0 bytes of text and 83"));  // 8388608 + one 4 KiB fragment
    CHECK(r.got.calls().empty());
  }
}

TEST_CASE("a whole (non-streamed) answer longer than max_response_bytes is refused") {
  ProviderRun r;
  ResponseLimits limits;
  limits.max_response_bytes = 1024;
  run(r, fmt::format("- text: {}\n", std::string(4000, 'a')), ProviderKind::kOpenAi, limits,
      std::chrono::seconds(20), false);
  REQUIRE_FALSE(r.result.has_value());
  CHECK(r.result.error().code == ErrorCode::kLimit);
  CHECK(contains(r.result.error().message, "max_response_bytes (1024 bytes)"));
  CHECK(r.server->request_count() == 1);
}

TEST_CASE("a stream chunk nested 100000 levels deep is refused before it is parsed") {
  Collected got;
  SseEvent event;
  event.type = "message";
  event.data = R"({"choices":)" + deep(100'000) + "}";
  OpenAiStreamDecoder openai;
  auto r = openai.on_event(event, got.sink());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kLimit);
  CHECK(contains(r.error().message, "a stream chunk holds JSON nested deeper than 512 levels"));

  AnthropicStreamDecoder anthropic;
  event.type = "content_block_delta";
  event.data = R"({"type":"content_block_delta","index":0,"delta":)" + deep(100'000) + "}";
  auto a = anthropic.on_event(event, got.sink());
  REQUIRE_FALSE(a.has_value());
  CHECK(a.error().code == ErrorCode::kLimit);
  CHECK(contains(a.error().message, "'content_block_delta' holds JSON nested deeper than 512"));
  CHECK(got.events.empty());
}

TEST_CASE("tool-call arguments nested 100000 levels deep stay unparsed text") {
  std::string raw = R"({"path":)" + deep(100'000) + "}";
  ToolCall call = make_tool_call("c1", "read_file", raw);
  CHECK(call.arguments.is_null());
  CHECK(call.raw_arguments == raw);
  ToolCall copy = call;  // a parsed value this deep would overflow the stack right here
  CHECK(copy.raw_arguments.size() == raw.size());
  CHECK(arguments_object(call) == nlohmann::json::object());
  CHECK(arguments_text(call) == raw);
  ToolCall fine = make_tool_call("c2", "read_file", R"({"path":[[["a"]]]})");
  CHECK(fine.arguments["path"][0][0][0] == "a");
}

TEST_CASE("max_response_bytes and max_output_bytes are read per provider and checked") {
  auto load = [](std::string_view text) {
    auto config = Config::from_yaml(text, "/home/u/.config/agentry/config.yaml");
    REQUIRE(config.has_value());
    return load_llm_config(*config, Environment{});
  };
  auto c = load(R"(
providers:
  local: {kind: openai, base_url: "http://127.0.0.1:1/v1", max_response_bytes: 2000000, max_output_bytes: 30000}
  other: {kind: openai, base_url: "http://127.0.0.1:1/v1"}
)");
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->find("local")->limits.max_response_bytes == 2'000'000);
  CHECK(c->find("local")->limits.max_output_bytes == 30'000);
  CHECK(c->find("other")->limits.max_response_bytes == 64ULL << 20);
  CHECK(c->find("other")->limits.max_output_bytes == 8ULL << 20);
  auto bad = load("providers:\n  local: {kind: openai, max_output_bytes: 10}\n");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == ErrorCode::kConfig);
  CHECK(bad.error().message == "`max_output_bytes` must be at least 1024");
  CHECK(bad.error().where.starts_with("/home/u/.config/agentry/config.yaml:2:"));
}

}  // namespace agentry::llm
