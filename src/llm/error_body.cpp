#include "llm/error_body.hpp"

#include <array>
#include <cctype>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "core/text.hpp"
#include "llm/redact.hpp"
#include "llm/retry.hpp"

namespace agentry::llm {

namespace {

using nlohmann::json;

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number() || v.is_boolean()) return v.dump();
  return {};
}

std::string one_line(std::string_view s, std::size_t max = 300) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) {
      out += "…";
      break;
    }
    out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  while (!out.empty() && out.front() == ' ')
    out.erase(out.begin());
  return out;
}

std::string status_hint(long status, std::string_view provider) {
  switch (status) {
    case 401:
      return fmt::format(
          "check the API key of provider '{}' (api_key_env in the config, or "
          "OPENAI_API_KEY / ANTHROPIC_API_KEY)",
          provider);
    case 403:
      return "the key is valid but not allowed to do this; check the account's permissions";
    case 404:
      return "check the model id and the provider's base_url";
    case 413:
      return "the request is too large; shorten the conversation";
    case 429:
      return "rate limited; wait, lower the request rate, or check the account's quota";
    default:
      if (status >= 500) return "the server failed; try again later";
      return {};
  }
}

ErrorCode status_code(long status) {
  if (status == 401 || status == 403) return ErrorCode::kAuth;
  if (status == 429 || status == 529) return ErrorCode::kRateLimited;
  if (status == 408 || status == 504) return ErrorCode::kTimeout;
  return ErrorCode::kHttp;
}

/// Phrases (lower case) by which servers say a request does not fit the context window.
constexpr std::array<std::string_view, 14> kOverflowPhrases = {
    "prompt is too long",
    "maximum context length",
    "context length exceeded",
    "context_length_exceeded",
    "exceeds the available context size",
    "exceed_context_size",
    "exceed context limit",
    "exceeds the context window",
    "context window exceeded",
    "exceeds the context length",
    "input length exceeds",
    "exceeds the maximum number of tokens allowed",
    "`inputs` tokens + `max_new_tokens`",
    "input is too long for requested model",
};

/// What the number after an anchor is: the window, the prompt, or more of the prompt (the
/// requested output, when a server counts both).
enum class Size { kLimit, kPrompt, kExtra };

struct Step {
  std::string_view anchor;
  Size size;
};

/// The wordings that state sizes, as anchors in the order the text has them, each followed at
/// once by a whole number (lower case). Read by hand, in linear time: std::regex recurses once
/// per character and a server's message can be 64 KiB long.
const std::array<std::vector<Step>, 11> kWordings = {{
    // Anthropic: "prompt is too long: N tokens > M maximum"
    {{"too long: ", Size::kPrompt}, {" tokens > ", Size::kLimit}},
    // Anthropic: "input length and `max_tokens` exceed context limit: N + K > M"
    {{"exceed context limit: ", Size::kPrompt}, {" + ", Size::kExtra}, {" > ", Size::kLimit}},
    // llama.cpp: "request (N tokens) exceeds the available context size (M tokens)"
    {{"request (", Size::kPrompt}, {" tokens) exceeds the available context size (", Size::kLimit}},
    // Gemini: "The input token count (N) exceeds the maximum number of tokens allowed (M)"
    {{"token count (", Size::kPrompt},
     {") exceeds the maximum number of tokens allowed (", Size::kLimit}},
    // TGI: "`inputs` tokens + `max_new_tokens` must be <= M. Given: N `inputs` tokens and K"
    {{"must be <= ", Size::kLimit},
     {". given: ", Size::kPrompt},
     {" `inputs` tokens and ", Size::kExtra}},
    // Mistral: "Prompt contains N tokens and K draft tokens, too large for model with M maximum"
    {{"prompt contains ", Size::kPrompt}, {"too large for model with ", Size::kLimit}},
    // OpenAI, vLLM, OpenRouter, DeepSeek: "maximum context length is M tokens. However, ..."
    {{"maximum context length is ", Size::kLimit}, {"resulted in ", Size::kPrompt}},
    {{"maximum context length is ", Size::kLimit}, {"requested about ", Size::kPrompt}},
    {{"maximum context length is ", Size::kLimit}, {"requested ", Size::kPrompt}},
    {{"maximum context length is ", Size::kLimit}, {"request has ", Size::kPrompt}},
    {{"maximum context length is ", Size::kLimit}},
}};

/// The sizes `text` states in `wording`, or nullopt when it does not follow it.
std::optional<ContextOverflowSizes> read_wording(std::string_view text,
                                                 const std::vector<Step>& wording) {
  ContextOverflowSizes sizes;
  std::size_t pos = 0;
  for (const auto& step : wording) {
    auto at = text.find(step.anchor, pos);
    if (at == std::string_view::npos) return std::nullopt;
    pos = at + step.anchor.size();
    std::size_t digits = 0;
    while (pos + digits < text.size() && digits <= 12 &&
           std::isdigit(static_cast<unsigned char>(text[pos + digits]))) {
      ++digits;
    }
    if (digits == 0 || digits > 12) return std::nullopt;
    std::int64_t n = std::strtoll(std::string(text.substr(pos, digits)).c_str(), nullptr, 10);
    pos += digits;
    (step.size == Size::kLimit ? sizes.limit : sizes.prompt) += n;
  }
  return sizes;
}

}  // namespace

std::optional<ContextOverflowSizes> context_overflow(long status, const ServerError& server) {
  if (status == 401 || status == 403 || status == 429) return std::nullopt;
  std::string text = ascii_lower(server.message);
  bool named = server.code == "context_length_exceeded" ||
               server.type == "exceed_context_size_error" ||
               server.code == "exceed_context_size_error";
  if (!named) {
    named = std::any_of(kOverflowPhrases.begin(), kOverflowPhrases.end(),
                        [&](auto phrase) { return text.find(phrase) != std::string::npos; });
  }
  if (!named) return std::nullopt;
  for (const auto& wording : kWordings) {
    if (auto sizes = read_wording(text, wording)) return sizes;
  }
  return ContextOverflowSizes{};
}

bool mark_context_overflow(Error& error, long status, const ServerError& server) {
  auto sizes = context_overflow(status, server);
  if (!sizes) return false;
  error.code = ErrorCode::kContextOverflow;
  error.retryable = false;
  error.overflow = *sizes;
  error.hint =
      sizes->limit > 0
          ? fmt::format(
                "the conversation no longer fits the model's context window of {} tokens; "
                "it must be shortened (compacted) before it is sent again",
                sizes->limit)
          : "the conversation no longer fits the model's context window; it must be shortened "
            "(compacted) before it is sent again, and providers.NAME.context_window may be set "
            "to the model's real window";
  return true;
}

ServerError parse_server_error(const json& body) {
  ServerError out;
  if (!body.is_object()) {
    out.message = body.is_string() ? body.get<std::string>() : std::string();
    return out;
  }
  const json* err = &body;
  if (auto it = body.find("error"); it != body.end()) {
    if (it->is_object()) {
      err = &*it;
    } else if (it->is_string()) {
      out.message = it->get<std::string>();
    }
  }
  if (auto it = err->find("message"); it != err->end() && it->is_string()) {
    out.message = it->get<std::string>();
  }
  if (out.message.empty()) {
    if (auto it = body.find("detail"); it != body.end()) {
      out.message = it->is_string() ? it->get<std::string>() : it->dump();
    }
  }
  if (auto it = err->find("type"); it != err->end() && err != &body) out.type = scalar_text(*it);
  if (out.type.empty() && err == &body) {
    if (auto it = body.find("type"); it != body.end() && scalar_text(*it) != "error") {
      out.type = scalar_text(*it);
    }
  }
  if (auto it = err->find("code"); it != err->end()) out.code = scalar_text(*it);
  if (auto it = body.find("request_id"); it != body.end()) out.request_id = scalar_text(*it);
  return out;
}

ServerError parse_server_error_text(std::string_view body) {
  json parsed = json_too_deep(body) ? json(json::value_t::discarded)
                                    : json::parse(body.begin(), body.end(), nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) return parse_server_error(parsed);
  ServerError out;
  out.message = one_line(body.substr(0, body.find('\n')));
  return out;
}

Error http_status_error(std::string_view provider, std::string_view url,
                        const HttpResponse& response, const ServerError& server, bool retryable) {
  std::string msg = fmt::format("provider '{}' answered HTTP {}", provider, response.status);
  if (!server.message.empty()) msg += fmt::format(": {}", one_line(server.message));
  std::string detail;
  if (!server.type.empty()) detail += fmt::format("type {}", server.type);
  if (!server.code.empty() && server.code != std::to_string(response.status)) {
    detail += fmt::format("{}code {}", detail.empty() ? "" : ", ", server.code);
  }
  std::string request_id = server.request_id;
  if (request_id.empty()) request_id = response.header("request-id");
  if (request_id.empty()) request_id = response.header("x-request-id");
  if (!request_id.empty())
    detail += fmt::format("{}request id {}", detail.empty() ? "" : ", ", request_id);
  if (!detail.empty()) msg += fmt::format(" [{}]", detail);
  Error error(status_code(response.status), std::move(msg), redact_url(url),
              status_hint(response.status, provider));
  error.retryable = retryable;
  mark_context_overflow(error, response.status, server);
  return error;
}

bool is_retryable_stream_error(const ServerError& error) {
  for (std::string_view fatal :
       {"invalid_request_error", "authentication_error", "permission_error", "not_found_error",
        "billing_error", "request_too_large", "insufficient_quota", "context_length_exceeded"}) {
    if (error.type == fatal || error.code == fatal) return false;
  }
  if (!error.code.empty() && std::isdigit(static_cast<unsigned char>(error.code.front()))) {
    long status = std::strtol(error.code.c_str(), nullptr, 10);
    if (status >= 400 && status < 500) return is_retryable_status(status);
  }
  return true;
}

Error payload_too_deep(std::string_view what) {
  return Error(ErrorCode::kLimit, fmt::format("{} holds {}", what, json_too_deep_message()), "",
               "the server sent a payload no model answer has; check the server");
}

}  // namespace agentry::llm
