#include "llm/context_window.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "core/text.hpp"

namespace agentry::llm {

namespace {

// Published context windows and maximum outputs, in tokens, as the vendors' model pages state
// them (read December 2026):
// - Anthropic "Models overview": every Claude since 2.1 has 200,000 (Sonnet 4/4.5's 1M window is
//   a beta behind a header, so 200,000 here); max output Claude 3 4,096, 3.5 8,192, 3.7 Sonnet
//   64,000, Sonnet 4/4.5 64,000, Haiku 4.5 64,000, Opus 4/4.1 32,000, Opus 4.5 64,000.
// - OpenAI model pages: GPT-4.1 (and mini/nano) 1,047,576 / 32,768; GPT-4o (and mini) 128,000 /
//   16,384; GPT-5 (and mini/nano) 400,000 / 128,000, gpt-5-chat 128,000 / 16,384; o1, o3,
//   o3-mini, o4-mini 200,000 / 100,000; o1-mini 128,000 / 65,536; o1-preview 128,000 / 32,768;
//   GPT-4 Turbo 128,000 / 4,096; GPT-4 8,192; GPT-3.5 Turbo 16,385 / 4,096; gpt-oss 131,072.
// - Google Gemini models page: Gemini 1.5 Flash and 2.x 1,048,576 input (output 8,192; 2.5
//   65,536); Gemini 1.5 Pro 2,097,152.
// - DeepSeek API "Models & Pricing": deepseek-chat (V3) and deepseek-reasoner (R1) were listed at
//   64K in early 2025 and at 128K since V3.1; the open V3/R1 weights publish 128K. 128,000 here
//   (a model served with less is lowered after its first refusal); output chat 8,192, reasoner
//   and R1 32,768.
// - Qwen model cards: Qwen2.5 (and -Coder) and Qwen3 run 32,768 natively (131,072 only with YaRN
//   rope scaling, which servers do not enable by default); Qwen3-Coder 262,144.
// - Meta Llama model cards: Llama 3.1, 3.2 and 3.3 131,072; Llama 3 8,192.
constexpr std::array kBuiltInWindows = {
    // Anthropic
    FamilyWindow{"claude", false, 200'000, 8'192},
    FamilyWindow{"claude-3-haiku", false, 200'000, 4'096},
    FamilyWindow{"claude-3-sonnet", false, 200'000, 4'096},
    FamilyWindow{"claude-3-opus", false, 200'000, 4'096},
    FamilyWindow{"claude-3-5", false, 200'000, 8'192},
    FamilyWindow{"claude-3-7-sonnet", false, 200'000, 64'000},
    FamilyWindow{"claude-sonnet-4", false, 200'000, 64'000},
    FamilyWindow{"claude-haiku-4", false, 200'000, 64'000},
    FamilyWindow{"claude-opus-4", false, 200'000, 32'000},
    FamilyWindow{"claude-opus-4-5", false, 200'000, 64'000},
    // OpenAI
    FamilyWindow{"gpt-3-5-turbo", false, 16'385, 4'096},
    FamilyWindow{"gpt-4", false, 8'192, 8'192},
    FamilyWindow{"gpt-4-turbo", false, 128'000, 4'096},
    FamilyWindow{"gpt-4o", false, 128'000, 16'384},
    FamilyWindow{"gpt-4-1", false, 1'047'576, 32'768},
    FamilyWindow{"gpt-5", false, 400'000, 128'000},
    FamilyWindow{"gpt-5-chat", false, 128'000, 16'384},
    FamilyWindow{"gpt-oss", false, 131'072, 131'072},
    FamilyWindow{"o1", true, 200'000, 100'000},
    FamilyWindow{"o1-mini", true, 128'000, 65'536},
    FamilyWindow{"o1-preview", true, 128'000, 32'768},
    FamilyWindow{"o3", true, 200'000, 100'000},
    FamilyWindow{"o4-mini", true, 200'000, 100'000},
    // Google
    FamilyWindow{"gemini", false, 1'048'576, 8'192},
    FamilyWindow{"gemini-1-5-pro", false, 2'097'152, 8'192},
    FamilyWindow{"gemini-2-5", false, 1'048'576, 65'536},
    // DeepSeek
    FamilyWindow{"deepseek", false, 128'000, 8'192},
    FamilyWindow{"deepseek-reasoner", false, 128'000, 32'768},
    FamilyWindow{"deepseek-r1", false, 128'000, 32'768},
    // Qwen
    FamilyWindow{"qwen2-5", false, 32'768, 8'192},
    FamilyWindow{"qwen3", false, 32'768, 8'192},
    FamilyWindow{"qwen3-coder", false, 262'144, 65'536},
    // Meta Llama (Ollama spells them llama3.1, Hugging Face Llama-3.1)
    FamilyWindow{"llama3", false, 8'192, 4'096},
    FamilyWindow{"llama-3", false, 8'192, 4'096},
    FamilyWindow{"llama3-1", false, 131'072, 8'192},
    FamilyWindow{"llama-3-1", false, 131'072, 8'192},
    FamilyWindow{"llama3-2", false, 131'072, 8'192},
    FamilyWindow{"llama-3-2", false, 131'072, 8'192},
    FamilyWindow{"llama3-3", false, 131'072, 8'192},
    FamilyWindow{"llama-3-3", false, 131'072, 8'192},
};

int quarter_capped(int budget, int window) {
  return std::max(1, std::min(budget, window / 4));
}

/// The output budget for `window` when the config sets no max_tokens.
int default_budget(std::optional<int> max_tokens, int family_output, int window) {
  if (max_tokens && *max_tokens > 0) return std::max(1, std::min(*max_tokens, window / 2));
  return quarter_capped(std::min(family_output, kMaxOutputBudget), window);
}

}  // namespace

const char* to_string(WindowSource source) {
  switch (source) {
    case WindowSource::kConfig:
      return "config";
    case WindowSource::kTable:
      return "table";
    case WindowSource::kServer:
      return "server";
    case WindowSource::kDefault:
      return "default";
    case WindowSource::kLowered:
      return "lowered";
  }
  return "default";
}

std::string normalised_model_id(std::string_view model) {
  std::string id = ascii_lower(trim(model));
  if (auto slash = id.rfind('/'); slash != std::string::npos) id.erase(0, slash + 1);
  if (auto at = id.find("anthropic."); at != std::string::npos) id.erase(0, at + 10);
  std::replace(id.begin(), id.end(), '.', '-');
  std::replace(id.begin(), id.end(), '_', '-');
  return id;
}

std::optional<FamilyWindow> family_window(std::string_view model) {
  std::string id = normalised_model_id(model);
  std::optional<FamilyWindow> best;
  for (const auto& row : kBuiltInWindows) {
    bool hit = row.prefix_only ? std::string_view(id).starts_with(row.key)
                               : id.find(row.key) != std::string::npos;
    if (hit && (!best || row.key.size() > best->key.size())) best = row;
  }
  return best;
}

ContextLimits static_context_limits(const ContextSettings& settings, std::string_view model) {
  auto family = family_window(model);
  int family_output = family ? family->max_output : kDefaultOutputBudget;
  std::optional<int> configured;
  if (auto it = settings.per_model.find(std::string(model)); it != settings.per_model.end()) {
    configured = it->second;
  } else {
    std::string id = normalised_model_id(model);
    for (const auto& [name, window] : settings.per_model) {
      if (normalised_model_id(name) == id) configured = window;
    }
  }
  if (!configured) configured = settings.window;
  ContextLimits out;
  if (configured) {
    out.window = *configured;
    out.from = WindowSource::kConfig;
    out.source = settings.source.empty() ? "config" : fmt::format("config ({})", settings.source);
  } else if (family) {
    out.window = family->window;
    out.from = WindowSource::kTable;
    out.source = fmt::format("built-in table ({})", family->key);
  } else {
    out.window = kDefaultWindow;
    out.from = WindowSource::kDefault;
    out.source = "default (nothing knew this model's window)";
  }
  out.output_budget = default_budget(settings.max_tokens, family_output, out.window);
  return out;
}

ContextWindows::ContextWindows(ContextSettings settings, ServerWindowProbe probe)
    : settings_(std::move(settings)), probe_(std::move(probe)) {}

Result<ContextLimits> ContextWindows::limits(std::string_view model, std::stop_token stop) {
  {
    std::lock_guard lock(mu_);
    if (auto it = remembered_.find(model); it != remembered_.end()) return it->second;
  }
  ContextLimits fixed = static_context_limits(settings_, model);
  if (fixed.from != WindowSource::kDefault || !probe_) return fixed;
  std::lock_guard probing(probe_mu_);
  {
    std::lock_guard lock(mu_);  // another caller may have probed while this one waited
    if (auto it = remembered_.find(model); it != remembered_.end()) return it->second;
  }
  std::optional<ServerWindow> reported = probe_(model, stop);
  if (stop.stop_requested()) {
    return fail(ErrorCode::kCancelled, "cancelled while asking the server for the context window");
  }
  ContextLimits out = fixed;
  if (reported && reported->window > 0) {
    out.window = reported->window;
    out.from = WindowSource::kServer;
    out.source = fmt::format("server ({})", reported->source);
    out.output_budget = default_budget(settings_.max_tokens, kDefaultOutputBudget, out.window);
  }
  std::lock_guard lock(mu_);
  return remembered_.emplace(std::string(model), out).first->second;
}

ContextLimits ContextWindows::lower(std::string_view model, int window, std::stop_token stop) {
  auto current = limits(model, stop);
  ContextLimits now = current ? *current : static_context_limits(settings_, model);
  if (window <= 0 || window >= now.window) return now;
  std::lock_guard lock(mu_);
  auto& kept = remembered_[std::string(model)];
  if (kept.window != 0 && kept.window <= window) return kept;  // lowered further meanwhile
  ContextLimits lowered;
  lowered.window = window;
  lowered.output_budget = quarter_capped(now.output_budget, window);
  lowered.from = WindowSource::kLowered;
  lowered.source =
      fmt::format("lowered from {} ({}) after the server refused a request as too long", now.window,
                  now.source);
  kept = lowered;
  return kept;
}

}  // namespace agentry::llm
