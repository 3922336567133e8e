#include "llm/error_body.hpp"

#include <array>
#include <cctype>
#include <cstdlib>
#include <regex>

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

/// How one wording states the sizes: capture groups (1-based; 0 = not stated) of the limit and
/// of the prompt, plus a second group added to the prompt (input + requested output).
struct SizePattern {
  const char* regex;
  int limit;
  int prompt;
  int prompt_extra;
};

constexpr std::array<SizePattern, 8> kSizePatterns = {{
    {R"(too long: (\d+) tokens > (\d+) maximum)", 2, 1, 0},
    {R"(exceed context limit: (\d+) \+ (\d+) > (\d+))", 3, 1, 2},
    {R"(request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\))", 2, 1, 0},
    {R"(token count \((\d+)\) exceeds the maximum number of tokens allowed \((\d+)\))", 2, 1, 0},
    {R"(must be <= (\d+)\. given: (\d+) .inputs. tokens and (\d+))", 1, 2, 3},
    {R"(prompt contains (\d+) tokens.*too large for model with (\d+) maximum context length)", 2, 1,
     0},
    {R"(maximum context length is (\d+) tokens.*?(?:resulted in|requested about|requested|request has) (\d+))",
     1, 2, 0},
    {R"(maximum context length is (\d+))", 1, 0, 0},
}};

std::int64_t group_value(const std::smatch& m, int group) {
  if (group == 0 || !m[group].matched) return 0;
  std::string digits = m[group].str();
  if (digits.size() > 12) return 0;
  return std::strtoll(digits.c_str(), nullptr, 10);
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
  ContextOverflowSizes sizes;
  for (const auto& pattern : kSizePatterns) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(pattern.regex))) continue;
    sizes.limit = group_value(m, pattern.limit);
    sizes.prompt = group_value(m, pattern.prompt) + group_value(m, pattern.prompt_extra);
    break;
  }
  return sizes;
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
