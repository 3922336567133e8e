#include "fakellm/accounting.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fakellm/thinking_rules.hpp"

namespace agentry::fakellm {

using nlohmann::json;

namespace {

std::string text_of(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The output budget the request asks for (0: none given).
std::int64_t max_tokens_of(Protocol protocol, const json& body) {
  for (const char* key : {"max_tokens", "max_completion_tokens"}) {
    if (protocol == Protocol::kAnthropic && std::string_view(key) != "max_tokens") continue;
    auto it = body.find(key);
    if (it != body.end() && it->is_number_integer()) return it->get<std::int64_t>();
  }
  return 0;
}

Refusal anthropic_refusal(std::string message, int request_number) {
  std::string id = fmt::format("req_fake_{}", request_number);
  Refusal r;
  r.body = json{
      {"type", "error"},
      {"error", {{"type", "invalid_request_error"}, {"message", message}}},
      {"request_id",
       id}}.dump();
  r.message = std::move(message);
  r.headers = {{"request-id", id}};
  return r;
}

Refusal openai_refusal(std::string message, const char* param, const char* code,
                       int request_number) {
  Refusal r;
  r.body = json{{"error",
                 {{"message", message},
                  {"type", "invalid_request_error"},
                  {"param", param},
                  {"code", code}}}}
               .dump();
  r.message = std::move(message);
  r.headers = {{"x-request-id", fmt::format("req_fake_{}", request_number)}};
  return r;
}

Refusal vllm_refusal(std::string message) {
  Refusal r;
  r.body = json{
      {"object", "error"},
      {"message", message},
      {"type", "BadRequestError"},
      {"param", nullptr},
      {"code",
       400}}.dump();
  r.message = std::move(message);
  return r;
}

Refusal llamacpp_refusal(std::int64_t prompt, std::int64_t window) {
  Refusal r;
  r.message = fmt::format(
      "request ({} tokens) exceeds the available context size ({} tokens), try increasing it",
      prompt, window);
  r.body = json{{"error",
                 {{"code", 400},
                  {"message", r.message},
                  {"type", "exceed_context_size_error"},
                  {"n_prompt_tokens", prompt},
                  {"n_ctx", window}}}}
               .dump();
  return r;
}

/// What the Messages API refuses in the blocks' shape: empty text blocks (with their
/// cache_control, or at all) and messages without content.
std::optional<std::string> anthropic_shape_error(const json& body) {
  auto text_error = [](const json& block, const std::string& where) -> std::optional<std::string> {
    if (!block.is_object() || block.value("type", "") != "text") return std::nullopt;
    auto text = block.find("text");
    if (text == block.end() || !text->is_string() || !text->get_ref<const std::string&>().empty())
      return std::nullopt;
    if (block.contains("cache_control"))
      return fmt::format("{}.text: cache_control cannot be set for empty text blocks", where);
    return fmt::format("{}: text content blocks must be non-empty",
                       where.substr(0, where.find('.')));
  };
  if (auto system = body.find("system"); system != body.end() && system->is_array()) {
    for (std::size_t j = 0; j < system->size(); ++j) {
      if (auto e = text_error((*system)[j], fmt::format("system.{}", j))) return e;
    }
  }
  auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array()) return std::nullopt;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const json& content = (*messages)[i].value("content", json());
    bool last_assistant =
        i + 1 == messages->size() && (*messages)[i].value("role", "") == "assistant";
    if (!last_assistant && (content.empty() || (content.is_string() && content == ""))) {
      return fmt::format(
          "messages.{}: all messages must have non-empty content except for the optional final "
          "assistant message",
          i);
    }
    if (!content.is_array()) continue;
    for (std::size_t j = 0; j < content.size(); ++j) {
      if (auto e = text_error(content[j], fmt::format("messages.{}.content.{}", i, j))) return e;
    }
  }
  return std::nullopt;
}

std::optional<Refusal> check_anthropic(const ServerSettings& s, const Prompt& prompt,
                                       const json& body, int number) {
  if (auto shape = anthropic_shape_error(body)) return anthropic_refusal(std::move(*shape), number);
  auto breakpoints = std::count_if(prompt.blocks.begin(), prompt.blocks.end(),
                                   [](const PromptBlock& b) { return b.breakpoint; });
  if (breakpoints > s.cache_max_breakpoints) {
    return anthropic_refusal(
        fmt::format("A maximum of {} blocks with cache_control may be provided. Found {}.",
                    s.cache_max_breakpoints, breakpoints),
        number);
  }
  std::int64_t tokens = prompt.token_count();
  std::int64_t window = s.context_window;
  if (window > 0 && tokens > window) {
    return anthropic_refusal(
        fmt::format("prompt is too long: {} tokens > {} maximum", tokens, window), number);
  }
  std::int64_t max_tokens = max_tokens_of(Protocol::kAnthropic, body);
  if (s.max_output <= 0) return std::nullopt;
  if (max_tokens > s.max_output) {
    return anthropic_refusal(
        fmt::format("max_tokens: {} > {}, which is the maximum allowed number of output tokens "
                    "for {}",
                    max_tokens, s.max_output, text_of(body, "model")),
        number);
  }
  if (window > 0 && tokens + max_tokens > window) {
    return anthropic_refusal(
        fmt::format("input length and `max_tokens` exceed context limit: {} + {} > {}, decrease "
                    "input length or `max_tokens` and try again",
                    tokens, max_tokens, window),
        number);
  }
  return std::nullopt;
}

std::optional<Refusal> check_openai(const ServerSettings& s, const Prompt& prompt, const json& body,
                                    int number) {
  std::int64_t tokens = prompt.token_count();
  std::int64_t window = s.context_window;
  std::int64_t max_tokens = s.max_output > 0 ? max_tokens_of(Protocol::kOpenAi, body) : 0;
  bool over_prompt = window > 0 && tokens > window;
  bool over_total = window > 0 && tokens + max_tokens > window;
  if (s.context_error == "llamacpp") {
    // llama.cpp checks the prompt alone; generation stops at the context's end.
    if (over_prompt) return llamacpp_refusal(tokens, window);
    return std::nullopt;
  }
  auto requested = [&] {
    return fmt::format(
        "This model's maximum context length is {} tokens. However, you requested {} tokens ({} "
        "in the messages, {} in the completion). Please reduce the length of the messages or "
        "completion.",
        window, tokens + max_tokens, tokens, max_tokens);
  };
  if (s.context_error == "vllm") {
    if (over_prompt) {
      return vllm_refusal(fmt::format(
          "This model's maximum context length is {} tokens. However, your request has {} input "
          "tokens. Please reduce the length of the input messages.",
          window, tokens));
    }
    if (over_total) return vllm_refusal(requested());
    return std::nullopt;
  }
  if (over_prompt) {
    return openai_refusal(
        fmt::format("This model's maximum context length is {} tokens. However, your messages "
                    "resulted in {} tokens. Please reduce the length of the messages.",
                    window, tokens),
        "messages", "context_length_exceeded", number);
  }
  if (max_tokens > s.max_output && s.max_output > 0) {
    const char* field =
        body.contains("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    return openai_refusal(
        fmt::format("{} is too large: {}. This model supports at most {} completion tokens, "
                    "whereas you provided {}.",
                    field, max_tokens, s.max_output, max_tokens),
        field, "invalid_value", number);
  }
  if (over_total) return openai_refusal(requested(), "messages", "context_length_exceeded", number);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> service_info(const ServerSettings& s, std::string_view method,
                                        std::string_view path, std::string_view body) {
  const bool vllm = s.context_error == "vllm";
  const bool llamacpp = s.context_error == "llamacpp";
  if (method == "GET" && (path == "/v1/models" || path == "/models")) {
    json model = {{"id", s.served_model},
                  {"object", "model"},
                  {"created", 1763900000},
                  {"owned_by", vllm       ? "vllm"
                               : llamacpp ? "llamacpp"
                                          : "fake-llm"}};
    if (vllm && s.context_window > 0) model["max_model_len"] = s.context_window;
    return json{{"object", "list"}, {"data", json::array({model})}}.dump();
  }
  if (method == "GET" && path == "/props" && llamacpp) {
    return json{{"default_generation_settings",
                 {{"n_ctx", s.context_window}, {"params", {{"n_predict", -1}}}}},
                {"total_slots", 1},
                {"model_path", fmt::format("/models/{}.gguf", s.served_model)}}
        .dump();
  }
  if (method == "POST" && (path == "/v1/messages/count_tokens" || path == "/messages/count_tokens"))
    return json{{"input_tokens", anthropic_prompt(body).token_count()}}.dump();
  return std::nullopt;
}

std::optional<Refusal> Accountant::check(Protocol protocol, const Prompt& prompt, const json& body,
                                         int request_number) const {
  if (settings_.thinking_rules && protocol == Protocol::kAnthropic) {
    if (auto error = anthropic_thinking_error(body))
      return anthropic_refusal(std::move(*error), request_number);
  }
  if (settings_.thinking_rules && protocol == Protocol::kOpenAi) {
    if (auto error = openai_reasoning_error(body))
      return openai_refusal(std::move(*error), "messages", "invalid_request_error", request_number);
  }
  return protocol == Protocol::kAnthropic ? check_anthropic(settings_, prompt, body, request_number)
                                          : check_openai(settings_, prompt, body, request_number);
}

bool Accountant::cached(std::uint64_t entry, Clock::time_point now) {
  auto it = entries_.find(entry);
  if (it == entries_.end()) return false;
  if (settings_.cache_ttl_ms > 0 &&
      now - it->second > std::chrono::milliseconds(settings_.cache_ttl_ms)) {
    entries_.erase(it);
    return false;
  }
  return true;
}

RequestTokens Accountant::serve(Protocol protocol, const Prompt& prompt, const json& body,
                                Clock::time_point now) {
  // Caches are per model (and, on OpenAI, per prompt_cache_key).
  std::uint64_t key =
      hash_mix(hash_bytes(text_of(body, "model")), protocol == Protocol::kAnthropic ? 1 : 2);
  if (protocol == Protocol::kAnthropic) return serve_anthropic(prompt, key, now);
  key = hash_mix(key, hash_bytes(text_of(body, "prompt_cache_key")));
  return serve_openai(prompt, key, now);
}

RequestTokens Accountant::serve_anthropic(const Prompt& prompt, std::uint64_t key,
                                          Clock::time_point now) {
  RequestTokens t;
  t.prompt = prompt.token_count();
  t.input = t.prompt;
  const auto& blocks = prompt.blocks;
  const std::int64_t min = std::max<std::int64_t>(settings_.cache_min_tokens, 1);
  // The longest cached prefix at a breakpoint or up to `lookback` block boundaries before one.
  std::int64_t hit = 0;
  std::optional<std::size_t> hit_block;
  std::optional<std::size_t> last;  // the last breakpoint long enough to be cached
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (!blocks[b].breakpoint) continue;
    if (blocks[b].end >= min) last = b;
    std::size_t lowest = b >= static_cast<std::size_t>(settings_.cache_lookback_blocks)
                             ? b - static_cast<std::size_t>(settings_.cache_lookback_blocks)
                             : 0;
    for (std::size_t j = b + 1; j-- > lowest;) {
      if (blocks[j].end <= hit) break;
      if (cached(hash_mix(key, blocks[j].prefix_hash), now)) {
        hit = blocks[j].end;
        hit_block = j;
        break;
      }
    }
  }
  if (!last) return t;  // nothing long enough to cache: all of it is input
  t.cache_read = hit;
  t.cache_write = std::max<std::int64_t>(0, blocks[*last].end - hit);
  t.input = t.prompt - t.cache_read - t.cache_write;
  if (hit_block) entries_[hash_mix(key, blocks[*hit_block].prefix_hash)] = now;  // refreshed
  for (std::size_t b = 0; b <= *last; ++b) {
    if (blocks[b].breakpoint && blocks[b].end >= min)
      entries_[hash_mix(key, blocks[b].prefix_hash)] = now;
  }
  return t;
}

RequestTokens Accountant::serve_openai(const Prompt& prompt, std::uint64_t key,
                                       Clock::time_point now) {
  RequestTokens t;
  t.prompt = prompt.token_count();
  t.input = t.prompt;
  if (!settings_.prefix_cache) return t;
  // Prefixes at 1,024 tokens and every 128 after (as configured) are cache entries; a request
  // reads the longest one an earlier request wrote and writes all of its own.
  const std::int64_t min = std::max<std::int64_t>(settings_.cache_min_tokens, 1);
  const std::int64_t step = settings_.prefix_cache_step;
  std::uint64_t h = key;
  std::vector<std::uint64_t> marks;
  for (std::int64_t i = 0; i < t.prompt; ++i) {
    h = hash_mix(h, prompt.tokens[static_cast<std::size_t>(i)]);
    std::int64_t length = i + 1;
    if (length >= min && (length - min) % step == 0) marks.push_back(h);
  }
  for (std::size_t m = marks.size(); m-- > 0;) {
    if (cached(marks[m], now)) {
      t.cache_read = min + static_cast<std::int64_t>(m) * step;
      break;
    }
  }
  t.input = t.prompt - t.cache_read;
  for (auto mark : marks)
    entries_[mark] = now;
  return t;
}

}  // namespace agentry::fakellm
