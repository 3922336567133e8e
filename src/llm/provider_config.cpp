#include "llm/provider_config.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "core/effort.hpp"
#include "core/text.hpp"

namespace agentry::llm {

using nlohmann::json;

namespace {

const std::set<std::string, std::less<>> kProviderKeys = {"kind",
                                                          "base_url",
                                                          "model",
                                                          "models",
                                                          "api_key_env",
                                                          "headers",
                                                          "timeouts",
                                                          "max_retries",
                                                          "max_tokens",
                                                          "max_tokens_field",
                                                          "aliases",
                                                          "prices",
                                                          "max_response_bytes",
                                                          "max_output_bytes",
                                                          "context_window",
                                                          "cache",
                                                          "prompt_cache_key",
                                                          "effort",
                                                          "reasoning"};

/// Reads one provider entry, with every error located by `config.where`.
class EntryReader {
 public:
  EntryReader(const Config& config, std::string pointer)
      : config_(config), ptr_(std::move(pointer)) {}

  Error error(std::string_view key, std::string message, std::string hint = {}) const {
    return Error(ErrorCode::kConfig, std::move(message), config_.where(path(key)), std::move(hint));
  }
  std::string where(std::string_view key) const { return config_.where(path(key)); }
  std::string path(std::string_view key) const {
    return key.empty() ? ptr_ : ptr_ + "/" + std::string(key);
  }
  const json* get(std::string_view key) const { return config_.find(path(key)); }

  Result<std::optional<std::string>> string(std::string_view key) const {
    const json* v = get(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string())
      return tl::make_unexpected(error(key, fmt::format("`{}` must be a string", key)));
    return v->get<std::string>();
  }
  Result<std::optional<double>> number(std::string_view key, const json* from = nullptr,
                                       std::string_view shown = {}) const {
    const json* v = from != nullptr ? from : get(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_number() || v->get<double>() < 0) {
      return tl::make_unexpected(
          error(key, fmt::format("`{}` must be a number ≥ 0", shown.empty() ? key : shown)));
    }
    return v->get<double>();
  }

 private:
  const Config& config_;
  std::string ptr_;
};

Result<ProviderKind> parse_kind(const EntryReader& r) {
  auto kind = r.string("kind");
  if (!kind) return tl::make_unexpected(kind.error());
  if (!*kind) {
    return tl::make_unexpected(
        r.error("", "the provider has no `kind`", "add `kind: openai` or `kind: anthropic`"));
  }
  if (**kind == "openai") return ProviderKind::kOpenAi;
  if (**kind == "anthropic") return ProviderKind::kAnthropic;
  if (**kind == "openai-responses") return ProviderKind::kOpenAiResponses;
  return tl::make_unexpected(r.error("kind", fmt::format("unknown provider kind '{}'", **kind),
                                     "use openai (any OpenAI-compatible server), anthropic or "
                                     "openai-responses (OpenAI's Responses API)"));
}

Result<void> read_string_map(const EntryReader& r, std::string_view key,
                             const std::function<void(std::string, std::string)>& put) {
  const json* v = r.get(key);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_object())
    return tl::make_unexpected(r.error(key, fmt::format("`{}` must be a mapping", key)));
  for (const auto& [name, value] : v->items()) {
    if (!value.is_string() && !value.is_number()) {
      return tl::make_unexpected(r.error(std::string(key) + "/" + json_pointer_segment(name),
                                         fmt::format("`{}.{}` must be a string", key, name)));
    }
    put(name, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return {};
}

Result<void> read_timeouts(const EntryReader& r, ProviderConfig& p) {
  const json* v = r.get("timeouts");
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_object())
    return tl::make_unexpected(r.error("timeouts", "`timeouts` must be a mapping"));
  for (const auto& [key, value] : v->items()) {
    auto n = r.number("timeouts/" + key, &value, "timeouts." + key);
    if (!n) return tl::make_unexpected(n.error());
    auto whole = static_cast<std::int64_t>(**n);
    if (key == "connect_ms") {
      p.timeouts.connect = std::chrono::milliseconds(whole);
    } else if (key == "low_speed_s") {
      p.timeouts.low_speed = std::chrono::seconds(whole);
    } else if (key == "total_s") {
      p.timeouts.total = std::chrono::milliseconds(static_cast<std::int64_t>(**n * 1000));
    } else {
      return tl::make_unexpected(r.error("timeouts/" + key,
                                         fmt::format("unknown timeout '{}'", key),
                                         "use connect_ms, low_speed_s or total_s"));
    }
  }
  return {};
}

Result<void> read_prices(const EntryReader& r, ProviderConfig& p) {
  const json* v = r.get("prices");
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_object())
    return tl::make_unexpected(r.error("prices", "`prices` must be a mapping of model ids"));
  for (const auto& [model, entry] : v->items()) {
    std::string at = "prices/" + json_pointer_segment(model);
    if (!entry.is_object()) {
      return tl::make_unexpected(r.error(at, fmt::format("`prices.{}` must be a mapping", model)));
    }
    ModelPrice price;
    bool cache_read_set = false;
    bool cache_write_set = false;
    for (const auto& [key, value] : entry.items()) {
      auto n = r.number(at + "/" + key, &value, "prices." + model + "." + key);
      if (!n) return tl::make_unexpected(n.error());
      if (key == "input") {
        price.input = **n;
      } else if (key == "output") {
        price.output = **n;
      } else if (key == "cache_read") {
        price.cache_read = **n;
        cache_read_set = true;
      } else if (key == "cache_write") {
        price.cache_write = **n;
        cache_write_set = true;
      } else {
        return tl::make_unexpected(
            r.error(at + "/" + key, fmt::format("unknown price '{}'", key),
                    "use input, output, cache_read, cache_write (USD per million tokens)"));
      }
    }
    bool anthropic = p.kind == ProviderKind::kAnthropic;
    if (!cache_read_set) price.cache_read = price.input * (anthropic ? 0.1 : 0.5);
    if (!cache_write_set) price.cache_write = price.input * (anthropic ? 1.25 : 1.0);
    p.prices[model] = price;
  }
  return {};
}

/// A window in tokens: a whole number of at least 1024 (no model has less).
Result<int> window_value(const EntryReader& r, const std::string& at, const json& value,
                         std::string_view shown) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 1024 ||
      value.get<std::int64_t>() > 1'000'000'000) {
    return tl::make_unexpected(
        r.error(at, fmt::format("`{}` must be a whole number of tokens ≥ 1024", shown),
                "e.g. context_window: 131072, or per model: {my-model: 32768}"));
  }
  return static_cast<int>(value.get<std::int64_t>());
}

Result<void> read_context_window(const EntryReader& r, ProviderConfig& p) {
  const json* v = r.get("context_window");
  if (v == nullptr || v->is_null()) return {};
  p.context.source = r.where("context_window");
  if (v->is_object()) {
    for (const auto& [model, value] : v->items()) {
      auto n = window_value(r, "context_window/" + json_pointer_segment(model), value,
                            "context_window." + model);
      if (!n) return tl::make_unexpected(n.error());
      p.context.per_model[model] = *n;
    }
    return {};
  }
  auto n = window_value(r, "context_window", *v, "context_window");
  if (!n) return tl::make_unexpected(n.error());
  p.context.window = *n;
  return {};
}

/// `effort: LEVEL`, or per model `effort: {model-id: LEVEL}`.
Result<void> read_effort(const EntryReader& r, ProviderConfig& p) {
  const json* v = r.get("effort");
  if (v == nullptr || v->is_null()) return {};
  auto level = [&](const std::string& at, const json& value) -> Result<std::string> {
    if (value.is_string() && is_effort_level(value.get<std::string>()))
      return value.get<std::string>();
    return tl::make_unexpected(
        r.error(at, fmt::format("`effort` must be {}", kEffortChoices),
                "e.g. effort: medium, or per model: {claude-sonnet-4-5: high}"));
  };
  if (v->is_object()) {
    for (const auto& [model, value] : v->items()) {
      auto l = level("effort/" + json_pointer_segment(model), value);
      if (!l) return tl::make_unexpected(l.error());
      p.reasoning.per_model[model] = *l;
    }
    return {};
  }
  auto l = level("effort", *v);
  if (!l) return tl::make_unexpected(l.error());
  p.reasoning.effort = *l;
  return {};
}

/// `key: true|false` (YAML may also say on/off, yes/no, as strings).
Result<std::optional<bool>> switch_value(const EntryReader& r, std::string_view key) {
  const json* v = r.get(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    std::string s = ascii_lower(v->get<std::string>());
    if (s == "on" || s == "true" || s == "yes") return true;
    if (s == "off" || s == "false" || s == "no") return false;
  }
  return tl::make_unexpected(r.error(key, fmt::format("`{}` must be on or off", key)));
}

Result<ProviderConfig> read_provider(const Config& config, const std::string& name) {
  EntryReader r(config, "/providers/" + json_pointer_segment(name));
  const json* entry = r.get("");
  if (entry == nullptr || !entry->is_object()) {
    return tl::make_unexpected(r.error("", fmt::format("provider '{}' must be a mapping", name)));
  }
  for (const auto& [key, value] : entry->items()) {
    if (!kProviderKeys.contains(key)) {
      return tl::make_unexpected(
          r.error(key, fmt::format("unknown key '{}' in provider '{}'", key, name),
                  "known keys: kind, base_url, model, models, api_key_env, "
                  "headers, timeouts, max_retries, max_tokens, "
                  "max_tokens_field, aliases, prices, max_response_bytes, max_output_bytes, "
                  "context_window, cache, prompt_cache_key, effort, reasoning"));
    }
  }
  ProviderConfig p;
  p.name = name;
  p.source = config.where(r.path(""));
  auto kind = parse_kind(r);
  if (!kind) return tl::make_unexpected(kind.error());
  p.kind = *kind;
  for (auto [key, field] : {std::pair{"base_url", &p.base_url}, std::pair{"model", &p.model},
                            std::pair{"api_key_env", &p.api_key_env},
                            std::pair{"max_tokens_field", &p.max_tokens_field}}) {
    auto v = r.string(key);
    if (!v) return tl::make_unexpected(v.error());
    if (*v) *field = **v;
  }
  if (p.base_url.empty()) p.base_url = default_base_url(p.kind);
  if (!p.base_url.starts_with("http://") && !p.base_url.starts_with("https://")) {
    return tl::make_unexpected(
        r.error("base_url", fmt::format("base_url '{}' is not an http(s) URL", p.base_url)));
  }
  if (p.model.empty()) p.model = default_model(p.kind);
  if (!p.max_tokens_field.empty() && p.max_tokens_field != "max_tokens" &&
      p.max_tokens_field != "max_completion_tokens") {
    return tl::make_unexpected(r.error(
        "max_tokens_field", "max_tokens_field must be max_tokens or max_completion_tokens"));
  }
  if (const json* models = r.get("models"); models != nullptr && !models->is_null()) {
    if (!models->is_array())
      return tl::make_unexpected(r.error("models", "`models` must be a list of model ids"));
    for (const auto& m : *models) {
      if (!m.is_string())
        return tl::make_unexpected(r.error("models", "`models` must be a list of model ids"));
      p.models.push_back(m.get<std::string>());
    }
  }
  auto retries = r.number("max_retries");
  if (!retries) return tl::make_unexpected(retries.error());
  if (*retries) p.retry.max_retries = std::min(10, static_cast<int>(**retries));
  auto max_tokens = r.number("max_tokens");
  if (!max_tokens) return tl::make_unexpected(max_tokens.error());
  if (*max_tokens) p.max_tokens = static_cast<int>(**max_tokens);
  for (auto [key, field] : {std::pair{"max_response_bytes", &p.limits.max_response_bytes},
                            std::pair{"max_output_bytes", &p.limits.max_output_bytes}}) {
    auto bytes = r.number(key);
    if (!bytes) return tl::make_unexpected(bytes.error());
    if (*bytes && **bytes < 1024) {
      return tl::make_unexpected(r.error(key, fmt::format("`{}` must be at least 1024", key)));
    }
    if (*bytes) *field = static_cast<std::uint64_t>(**bytes);
  }
  if (auto h = read_string_map(r, "headers",
                               [&](std::string k, std::string v) {
                                 p.headers.emplace_back(std::move(k), std::move(v));
                               });
      !h) {
    return tl::make_unexpected(h.error());
  }
  if (auto a = read_string_map(
          r, "aliases",
          [&](std::string k, std::string v) { p.aliases[std::move(k)] = std::move(v); });
      !a) {
    return tl::make_unexpected(a.error());
  }
  if (auto t = read_timeouts(r, p); !t) return tl::make_unexpected(t.error());
  if (auto c = read_context_window(r, p); !c) return tl::make_unexpected(c.error());
  p.context.max_tokens = p.max_tokens;
  auto cache = switch_value(r, "cache");
  if (!cache) return tl::make_unexpected(cache.error());
  p.cache = cache->value_or(true);
  auto cache_key = switch_value(r, "prompt_cache_key");
  if (!cache_key) return tl::make_unexpected(cache_key.error());
  p.prompt_cache_key = *cache_key;
  if (auto pr = read_prices(r, p); !pr) return tl::make_unexpected(pr.error());
  if (auto e = read_effort(r, p); !e) return tl::make_unexpected(e.error());
  auto style = r.string("reasoning");
  if (!style) return tl::make_unexpected(style.error());
  if (*style) {
    auto parsed = parse_reasoning_style(**style);
    if (!parsed)
      return tl::make_unexpected(
          r.error("reasoning", "`reasoning` must be auto, effort, openrouter or none"));
    p.reasoning_style = *parsed;
  }
  return p;
}

std::optional<ProviderConfig> from_environment(const Environment& env, ProviderKind kind) {
  std::string prefix = kind == ProviderKind::kAnthropic ? "ANTHROPIC" : "OPENAI";
  // The Responses API on the same server and key as "openai".
  auto key = env.get(prefix + "_API_KEY");
  auto base = env.get(prefix + "_BASE_URL");
  bool has_key = key && !key->empty();
  bool has_base = base && !base->empty();
  if (!has_key && !has_base) return std::nullopt;
  ProviderConfig p;
  p.name = to_string(kind);
  p.kind = kind;
  p.base_url = has_base ? *base : default_base_url(kind);
  p.model = env.get_or(prefix + "_MODEL", default_model(kind));
  if (has_key) p.api_key_env = prefix + "_API_KEY";
  std::vector<std::string> vars;
  if (has_key) vars.push_back(prefix + "_API_KEY");
  if (has_base) vars.push_back(prefix + "_BASE_URL");
  p.source = fmt::format("environment ({})", fmt::join(vars, ", "));
  return p;
}

}  // namespace

const char* to_string(ProviderKind kind) {
  switch (kind) {
    case ProviderKind::kAnthropic:
      return "anthropic";
    case ProviderKind::kOpenAiResponses:
      return "openai-responses";
    case ProviderKind::kOpenAi:
      break;
  }
  return "openai";
}

std::string default_base_url(ProviderKind kind) {
  return kind == ProviderKind::kAnthropic ? "https://api.anthropic.com"
                                          : "https://api.openai.com/v1";
}

std::string default_model(ProviderKind kind) {
  if (kind == ProviderKind::kOpenAiResponses) return "gpt-5-codex";
  return kind == ProviderKind::kAnthropic ? "claude-sonnet-4-5" : "gpt-5-mini";
}

const ProviderConfig* LlmConfig::find(std::string_view name) const {
  for (const auto& p : providers) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Result<LlmConfig> load_llm_config(const Config& config, const Environment& env) {
  LlmConfig out;
  const json* providers = config.find("/providers");
  bool configured = providers != nullptr && !providers->is_null();
  if (configured) {
    if (!providers->is_object()) {
      return fail(ErrorCode::kConfig, "`providers` must be a mapping of provider names",
                  config.where("/providers"));
    }
    for (const auto& [name, value] : providers->items()) {
      auto p = read_provider(config, name);
      if (!p) return tl::make_unexpected(p.error());
      out.providers.push_back(std::move(*p));
    }
  }
  if (out.providers.empty()) {
    for (auto kind : {ProviderKind::kAnthropic, ProviderKind::kOpenAi}) {
      if (auto p = from_environment(env, kind)) out.providers.push_back(std::move(*p));
    }
    const std::size_t pairs = out.providers.size();
    if (auto p = from_environment(env, ProviderKind::kOpenAiResponses))
      out.providers.push_back(std::move(*p));
    if (!out.providers.empty()) {
      out.default_provider = out.providers.front().name;
      out.default_source = pairs > 1 ? "both ANTHROPIC_* and OPENAI_* are set: anthropic wins"
                                     : out.providers.front().source;
    }
  }
  std::sort(out.providers.begin(), out.providers.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });

  if (const json* d = config.find("/default_provider"); d != nullptr && !d->is_null()) {
    if (!d->is_string()) {
      return fail(ErrorCode::kConfig, "`default_provider` must be a provider name",
                  config.where("/default_provider"));
    }
    std::string name = d->get<std::string>();
    if (out.find(name) == nullptr) {
      std::vector<std::string> names;
      for (const auto& p : out.providers)
        names.push_back(p.name);
      return fail(ErrorCode::kConfig,
                  fmt::format("default_provider '{}' is not a configured provider", name),
                  config.where("/default_provider"),
                  names.empty() ? "add it under `providers:`"
                                : fmt::format("known providers: {}", fmt::join(names, ", ")));
    }
    out.default_provider = name;
    out.default_source = config.where("/default_provider");
  } else if (configured && out.providers.size() == 1) {
    out.default_provider = out.providers.front().name;
    out.default_source = "the only configured provider";
  }
  return out;
}

}  // namespace agentry::llm
