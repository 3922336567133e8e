#pragma once
/// Reading the server's own explanation out of an error answer, whatever dialect it speaks:
/// OpenAI `{"error":{"message","type","param","code"}}` (code a string, or an integer on llama.cpp,
/// vLLM and OpenRouter), Anthropic `{"type":"error","error":{"type","message"},"request_id"}`,
/// vLLM's older flat `{"object":"error","message",...}`, FastAPI's `{"detail": ...}`, or plain
/// text.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "llm/http_client.hpp"

namespace agentry::llm {

struct ServerError {
  std::string message;     ///< the server's message ("" when it gave none)
  std::string type;        ///< e.g. rate_limit_error, invalid_request_error
  std::string code;        ///< e.g. insufficient_quota, or an integer as text
  std::string request_id;  ///< from the body or the request-id / x-request-id header
};

/// Parses an error object: either a whole body or the `error` member of a stream event.
ServerError parse_server_error(const nlohmann::json& body);
/// Parses an error body that may not be JSON at all (then its first line, trimmed, is the message).
ServerError parse_server_error_text(std::string_view body);

/// The Error for an HTTP answer with a non-2xx status: names the provider, the URL (redacted), the
/// status and the server's message, and says what to do. `retryable` follows the retry policy.
Error http_status_error(std::string_view provider, std::string_view url,
                        const HttpResponse& response, const ServerError& server, bool retryable);

/// When `server` says the request does not fit the model's context window — Anthropic "prompt is
/// too long: N tokens > M maximum" (and "input length and `max_tokens` exceed context limit"),
/// OpenAI's `context_length_exceeded` / "maximum context length is M tokens. However, your
/// messages resulted in N tokens" (vLLM, OpenRouter, DeepSeek, Groq word it alike), llama.cpp's
/// `exceed_context_size_error` / "exceeds the available context size", Ollama's "exceeds the
/// context length", Gemini's "input token count (N) exceeds the maximum number of tokens
/// allowed (M)", TGI's "`inputs` tokens + `max_new_tokens` must be <= M", Mistral's "too large for
/// model with M maximum context length": the sizes the text states (0 where it does not). `status`
/// is the HTTP status (0 for an in-stream error); 401, 403 and 429 answers never count (a
/// tokens-per-minute rate limit mentions tokens too).
std::optional<ContextOverflowSizes> context_overflow(long status, const ServerError& server);

/// Turns `error` into a kContextOverflow error (never retryable, sizes filled in, a hint saying
/// what to do) when context_overflow() recognises `server`; returns whether it did.
bool mark_context_overflow(Error& error, long status, const ServerError& server);

/// True when an in-stream error (`data: {"error":…}`, Anthropic `event: error`) is worth retrying:
/// overload, rate limit, server errors, unknown types; not invalid request, auth, permission,
/// not-found or a 4xx integer code other than 408/409/429.
bool is_retryable_stream_error(const ServerError& error);

/// The kLimit error for a payload (`what`: "the response", "a stream chunk", …) that nests
/// deeper than kMaxJsonDepth: refused before it is parsed (core/json_depth.hpp).
Error payload_too_deep(std::string_view what);

}  // namespace agentry::llm
