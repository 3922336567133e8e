#include "llm/error_body.hpp"

#include <doctest/doctest.h>

namespace agentry::llm {
namespace {

TEST_CASE("error bodies of every dialect yield message, type and code") {
  auto openai = parse_server_error_text(
      R"({"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}})");
  CHECK(openai.message == "Rate limit reached");
  CHECK(openai.type == "requests");
  CHECK(openai.code == "rate_limit_exceeded");

  auto anthropic = parse_server_error_text(
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011"})");
  CHECK(anthropic.message == "Overloaded");
  CHECK(anthropic.type == "overloaded_error");
  CHECK(anthropic.request_id == "req_011");

  auto llama = parse_server_error_text(
      R"({"error":{"code":503,"message":"Loading model","type":"unavailable_error"}})");
  CHECK(llama.code == "503");
  CHECK(llama.type == "unavailable_error");

  auto vllm_old = parse_server_error_text(
      R"({"object":"error","message":"bad model","type":"NotFoundError","code":404})");
  CHECK(vllm_old.message == "bad model");
  CHECK(vllm_old.type == "NotFoundError");
  CHECK(vllm_old.code == "404");

  auto fastapi = parse_server_error_text(R"({"detail":"Not authenticated"})");
  CHECK(fastapi.message == "Not authenticated");

  auto text = parse_server_error_text("upstream connect error\nreset reason: overflow");
  CHECK(text.message == "upstream connect error");
  CHECK(parse_server_error_text("").message.empty());
}

TEST_CASE("http_status_error names provider, URL without secrets, status, message and hint") {
  HttpResponse r;
  r.status = 401;
  r.headers["x-request-id"] = "req_42";
  ServerError s{"Incorrect API key provided: sk-ab***", "invalid_request_error", "invalid_api_key",
                ""};
  Error e = http_status_error(
      "openai", "https://user:pw@api.openai.com/v1/chat/completions?key=zzz", r, s, false);
  CHECK(e.code == ErrorCode::kAuth);
  CHECK(e.where == "https://api.openai.com/v1/chat/completions?key=***");
  CHECK(e.message ==
        "provider 'openai' answered HTTP 401: Incorrect API key provided: sk-ab*** "
        "[type invalid_request_error, code invalid_api_key, request id req_42]");
  CHECK(e.hint.find("api_key_env") != std::string::npos);
  CHECK_FALSE(e.retryable);
}

TEST_CASE("in-stream errors: overload and server errors retry, request errors do not") {
  CHECK(is_retryable_stream_error({"Overloaded", "overloaded_error", "", ""}));
  CHECK(is_retryable_stream_error({"boom", "server_error", "", ""}));
  CHECK(is_retryable_stream_error({"boom", "", "500", ""}));
  CHECK(is_retryable_stream_error({"slow down", "", "429", ""}));
  CHECK(is_retryable_stream_error({"?", "", "", ""}));
  CHECK_FALSE(is_retryable_stream_error({"bad", "invalid_request_error", "", ""}));
  CHECK_FALSE(is_retryable_stream_error({"bad", "", "400", ""}));
  CHECK_FALSE(is_retryable_stream_error({"too long", "", "context_length_exceeded", ""}));
}

}  // namespace
}  // namespace agentry::llm
