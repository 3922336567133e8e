// Faults injected by the fake server and what the provider makes of them: counted retries,
// honoured waits, clear errors that name the provider, URL, status and the server's message.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "llm/http_provider.hpp"
#include "llm_test_support.hpp"

namespace agentry::llm {
namespace {

using namespace testing;
using std::chrono::milliseconds;

/// Runs one streamed completion against `yaml` with at most `max_retries` retries.
void run(ProviderRun& r, std::string_view yaml, int max_retries = 3, bool stream = true,
         ProviderKind kind = ProviderKind::kOpenAi) {
  CurlGlobal curl;
  r.server = start_fake(yaml);
  auto config = fake_provider_config(kind, *r.server);
  config.retry.max_retries = max_retries;
  auto provider = make_test_provider(curl, config, r.waits);
  r.result = provider->complete(simple_request("hi", stream), r.got.sink(), {});
}

std::string url_of(const ProviderRun& r) {
  return r.server->url("/v1/chat/completions");
}

TEST_CASE("429 with retry-after-ms is retried after exactly that wait") {
  ProviderRun r;
  run(r, R"(
- text: ok
  faults: [{status: 429, retry_after_ms: 50, times: 2}]
)");
  REQUIRE_MESSAGE(r.result.has_value(), (r.result ? "" : r.result.error().to_string()));
  CHECK(r.result->message.text == "ok");
  CHECK(r.server->request_count() == 3);
  CHECK(r.waits.delays == std::vector<milliseconds>{milliseconds(50), milliseconds(50)});
}

TEST_CASE("Retry-After in seconds and as an HTTP-date are honoured") {
  ProviderRun r;
  run(r, R"(
- text: ok
  faults:
    - {status: 503, retry_after: "2"}
    - {status: 429, retry_after: "Sun, 23 Nov 2025 12:13:23 GMT"}
    - {status: 429, retry_after: "0.25"}
)");
  REQUIRE(r.result.has_value());
  CHECK(r.server->request_count() == 4);
  // The fake clock says 12:13:20 GMT, so the date means three seconds.
  CHECK(r.waits.delays ==
        std::vector<milliseconds>{milliseconds(2000), milliseconds(3000), milliseconds(250)});
}

TEST_CASE("without a server wish the waits back off exponentially") {
  ProviderRun r;
  run(r, R"(
- text: ok
  faults: [{status: 500, times: 1}, {status: 502}, {status: 529}]
)");
  REQUIRE(r.result.has_value());
  CHECK(r.server->request_count() == 4);
  CHECK(r.waits.delays ==
        std::vector<milliseconds>{milliseconds(500), milliseconds(1000), milliseconds(2000)});
}

TEST_CASE("408 and 409 are retried, the retry count is capped and the error says so") {
  ProviderRun ok;
  run(ok, "- text: ok\n  faults: [{status: 408}, {status: 409}]\n");
  REQUIRE(ok.result.has_value());
  CHECK(ok.server->request_count() == 3);

  ProviderRun r;
  run(r, R"(
- text: never
  faults: [{status: 500, times: 10, error_message: "The server had an error while processing your request."}]
)",
      2);
  REQUIRE_FALSE(r.result.has_value());
  CHECK(r.server->request_count() == 3);
  const Error& e = r.result.error();
  CHECK(e.code == ErrorCode::kHttp);
  CHECK(e.retryable);
  CHECK(e.where == url_of(r));
  CHECK(e.message ==
        "provider 'fake-openai' answered HTTP 500: The server had an error while processing your "
        "request. [type server_error, request id req_fake_3] (gave up after 2 retries)");
}

TEST_CASE("client errors are not retried and carry the server's own message") {
  struct Case {
    int status;
    ErrorCode code;
    const char* hint_part;
  };
  for (Case c :
       {Case{400, ErrorCode::kHttp, ""}, Case{401, ErrorCode::kAuth, "API key"},
        Case{403, ErrorCode::kAuth, "permissions"}, Case{404, ErrorCode::kHttp, "model id"},
        Case{413, ErrorCode::kHttp, "too large"}, Case{422, ErrorCode::kHttp, ""}}) {
    CAPTURE(c.status);
    ProviderRun r;
    run(r, fmt::format("- text: never\n  faults: [{{status: {}, error_message: 'bad thing {}', "
                       "error_code: code_{}}}]\n",
                       c.status, c.status, c.status));
    REQUIRE_FALSE(r.result.has_value());
    CHECK(r.server->request_count() == 1);
    CHECK(r.waits.delays.empty());
    const Error& e = r.result.error();
    CHECK(e.code == c.code);
    CHECK_FALSE(e.retryable);
    CHECK(e.where == url_of(r));
    CHECK(e.message.find(fmt::format("HTTP {}: bad thing {}", c.status, c.status)) !=
          std::string::npos);
    CHECK(e.message.find(fmt::format("code code_{}", c.status)) != std::string::npos);
    CHECK(e.hint.find(c.hint_part) != std::string::npos);
  }
}

TEST_CASE("a rejected key that the server echoes is cut out of the error") {
  for (ProviderKind kind : {ProviderKind::kOpenAi, ProviderKind::kAnthropic}) {
    CAPTURE(to_string(kind));
    ProviderRun r;
    // The default test key is sk-test-SECRET-123; the body names it as some servers do.
    run(r,
        "- text: never\n  faults: [{status: 401, body: '{\"error\": {\"message\": \"Incorrect "
        "API key provided: sk-test-SECRET-123 (see sk-test-SECRET-123)\", \"type\": "
        "\"invalid_request_error\"}}'}]\n",
        3, true, kind);
    REQUIRE_FALSE(r.result.has_value());
    const Error& e = r.result.error();
    CHECK(e.code == ErrorCode::kAuth);
    CHECK(e.message.find("HTTP 401: Incorrect API key provided: *** (see ***)") !=
          std::string::npos);
    CHECK(e.to_string().find("SECRET") == std::string::npos);
  }
}

TEST_CASE("a server that echoes part of the key, or its base64, has that cut out too") {
  // sk-test-SECRET-123: its first 14 characters, and the base64 of the whole key.
  ProviderRun r;
  run(r,
      "- text: never\n  faults: [{status: 401, body: '{\"error\": {\"message\": \"key "
      "sk-test-SECRE... rejected; you sent c2stdGVzdC1TRUNSRVQtMTIz\"}}'}]\n",
      3, true, ProviderKind::kOpenAi);
  REQUIRE_FALSE(r.result.has_value());
  const auto text = r.result.error().to_string();
  CHECK(text.find("key ***... rejected; you sent ***") != std::string::npos);
  CHECK(text.find("SECRE") == std::string::npos);
  CHECK(text.find("c2stdGVzdC1TRUNS") == std::string::npos);
}

TEST_CASE("the server can veto or ask for a retry, and a used-up quota is final") {
  ProviderRun veto;
  run(veto, "- text: x\n  faults: [{status: 503, x_should_retry: false}]\n");
  REQUIRE_FALSE(veto.result.has_value());
  CHECK(veto.server->request_count() == 1);
  CHECK(veto.result.error().hint.find("x-should-retry: false") != std::string::npos);

  ProviderRun ask;
  run(ask, "- text: x\n  faults: [{status: 400, x_should_retry: true}]\n");
  REQUIRE(ask.result.has_value());
  CHECK(ask.server->request_count() == 2);

  ProviderRun quota;
  run(quota, R"(
- text: x
  faults: [{status: 429, error_code: insufficient_quota, error_message: "You exceeded your current quota"}]
)");
  REQUIRE_FALSE(quota.result.has_value());
  CHECK(quota.server->request_count() == 1);
  CHECK(quota.result.error().code == ErrorCode::kRateLimited);
  CHECK_FALSE(quota.result.error().retryable);
  CHECK(quota.result.error().message.find("You exceeded your current quota") != std::string::npos);
}

TEST_CASE("a server wait longer than allowed fails at once and says how long") {
  ProviderRun r;
  run(r, "- text: x\n  faults: [{status: 429, retry_after: 3600}]\n");
  REQUIRE_FALSE(r.result.has_value());
  CHECK(r.server->request_count() == 1);
  CHECK(r.result.error().hint.find("wait 3600 s") != std::string::npos);
  CHECK(r.result.error().retryable);
}

TEST_CASE("connection failures are retried: a closed connection, a refused port") {
  ProviderRun closed;
  run(closed, "- text: back\n  faults: [{close_without_response: true, times: 2}]\n");
  REQUIRE_MESSAGE(closed.result.has_value(),
                  (closed.result ? "" : closed.result.error().to_string()));
  CHECK(closed.server->request_count() == 3);
  CHECK(closed.result->message.text == "back");

  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake("- x\n");
  auto config = fake_provider_config(ProviderKind::kOpenAi, *server);
  config.retry.max_retries = 2;
  server->stop();
  auto provider = make_test_provider(curl, config, waits);
  Collected got;
  auto c = provider->complete(simple_request(), got.sink(), {});
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == ErrorCode::kNetwork);
  CHECK(c.error().retryable);
  CHECK(waits.delays.size() == 2);
  CHECK(c.error().where == config.base_url + "/chat/completions");
  CHECK(c.error().message.find("provider 'fake-openai': POST failed") == 0);
}

TEST_CASE("a stream cut before its first byte is retried transparently") {
  ProviderRun r;
  run(r, "- text: whole story\n  faults: [{cut_after_bytes: 0}, {cut_after_bytes: 20}]\n");
  REQUIRE_MESSAGE(r.result.has_value(), (r.result ? "" : r.result.error().to_string()));
  CHECK(r.server->request_count() == 3);
  CHECK(r.got.text() == "whole story");
}

TEST_CASE("a stream cut midway ends with a retryable error and keeps the text received") {
  ProviderRun r;
  // Events: role chunk, "one ", "two ", "three ", … — cut inside the fourth event.
  run(r, R"(
- text: "one two three four five"
  faults: [{cut_after_bytes: 600}]
)");
  REQUIRE_FALSE(r.result.has_value());
  CHECK(r.server->request_count() == 1);
  const Error& e = r.result.error();
  CHECK(e.retryable);
  CHECK(e.code == ErrorCode::kNetwork);
  CHECK(e.where == url_of(r));
  CHECK(r.got.text() == "one two ");
  CHECK(e.message.find(
            "provider 'fake-openai': the response stream broke after 8 characters of text") == 0);
  CHECK(e.hint.find("delivered") != std::string::npos);
  CHECK(r.got.calls().empty());
}

TEST_CASE("a stream that ends cleanly without finish reason or [DONE] is truncated") {
  ProviderRun r;
  run(r, R"(
- text: "one two three"
  tool_calls: [{id: c1, name: t, arguments: {a: 1}}]
  faults: [{error_after_events: 4}]
)");
  REQUIRE_FALSE(r.result.has_value());
  CHECK(r.server->request_count() == 1);
  CHECK(r.got.text() == "one two three");
  CHECK(r.got.calls().empty());  // half-built calls are dropped
  CHECK(r.result.error().message.find(
            "mid-stream: fake-llm: injected error (HTTP 500) [server_error]") != std::string::npos);
  CHECK(r.result.error().retryable);
}

TEST_CASE("an error event before any text is retried, a malformed chunk likewise") {
  ProviderRun early;
  run(early, "- text: fine\n  faults: [{error_after_events: 1}, {malformed_after_events: 0}]\n");
  REQUIRE_MESSAGE(early.result.has_value(), (early.result ? "" : early.result.error().to_string()));
  CHECK(early.server->request_count() == 3);
  CHECK(early.got.text() == "fine");

  ProviderRun late;
  run(late, "- text: 'a b c d'\n  faults: [{malformed_after_events: 3}]\n");
  REQUIRE_FALSE(late.result.has_value());
  CHECK(late.server->request_count() == 1);
  CHECK(late.result.error().code == ErrorCode::kParse);
  CHECK(late.result.error().retryable);
  CHECK(late.result.error().message.find("malformed stream chunk: {\"id\":\"chatcmpl-fake\"") !=
        std::string::npos);
  CHECK(late.got.text() == "a b ");
}

TEST_CASE("a non-retryable in-stream error is not retried even before any text") {
  ProviderRun r;
  run(r, R"(
- text: x
  faults: [{error_after_events: 0, error_type: invalid_request_error, error_message: "bad tool schema"}]
)");
  REQUIRE_FALSE(r.result.has_value());
  CHECK(r.server->request_count() == 1);
  CHECK_FALSE(r.result.error().retryable);
  CHECK(r.result.error().message.find("bad tool schema") != std::string::npos);
}

TEST_CASE("llama.cpp's integer error codes and non-JSON error bodies still give a clear message") {
  ProviderRun r;
  run(r, R"(
- text: x
  faults: [{status: 503, body: '{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}', times: 5}]
)",
      0);
  REQUIRE_FALSE(r.result.has_value());
  CHECK(r.result.error().message ==
        "provider 'fake-openai' answered HTTP 503: Loading model [type unavailable_error, request "
        "id req_fake_1]");

  ProviderRun html;
  run(html, "- text: x\n  faults: [{status: 502, body: \"<html>Bad gateway</html>\\nmore\"}]\n", 0);
  REQUIRE_FALSE(html.result.has_value());
  CHECK(html.result.error().message.find("HTTP 502: <html>Bad gateway</html> [request id") !=
        std::string::npos);
}

TEST_CASE("a non-streamed body cut short is retried") {
  ProviderRun r;
  run(r, "- text: whole\n  faults: [{cut_after_bytes: 30}]\n", 3, false);
  REQUIRE_MESSAGE(r.result.has_value(), (r.result ? "" : r.result.error().to_string()));
  CHECK(r.server->request_count() == 2);
  CHECK(r.result->message.text == "whole");
}

TEST_CASE("timeouts: the total deadline and the low-speed limit end the call as kTimeout") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
- text: late
  faults: [{delay_ms: 5000}]
- when: {contains: second}
  text: "one two three"
  faults: [{delay_ms: 8000}]
)");
  auto config = fake_provider_config(ProviderKind::kOpenAi, *server);
  config.retry.max_retries = 0;
  config.timeouts.total = milliseconds(300);
  auto provider = make_test_provider(curl, config, waits);
  Collected got;
  auto c = provider->complete(simple_request(), got.sink(), {});
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == ErrorCode::kTimeout);
  CHECK(c.error().retryable);
  CHECK(c.error().message.find("timed out") != std::string::npos);

  config.timeouts.total = milliseconds(20000);
  config.timeouts.low_speed = std::chrono::seconds(1);
  auto slow = make_test_provider(curl, config, waits);
  Collected got2;
  auto c2 = slow->complete(simple_request("second"), got2.sink(), {});
  REQUIRE_FALSE(c2.has_value());
  CHECK(c2.error().code == ErrorCode::kTimeout);
  CHECK(c2.error().message.find("too slow") != std::string::npos);
}

}  // namespace
}  // namespace agentry::llm
