#include "fakellm/thinking_rules.hpp"

#include <fmt/format.h>

#include "fakellm/prompt.hpp"

namespace agentry::fakellm {

using nlohmann::json;

namespace {

constexpr std::uint64_t kSigningKey = 0x5ea1'ed7a'f00d'c0deULL;  // the fake's "secret"

std::string keyed_hash(std::string_view domain, std::string_view text) {
  std::uint64_t h = hash_mix(hash_mix(kSigningKey, hash_bytes(domain)), hash_bytes(text));
  std::uint64_t h2 = hash_mix(h, hash_bytes(text));
  return fmt::format("{:016x}{:016x}", h, h2);
}

std::string type_of(const json& block) {
  if (!block.is_object()) return "";
  auto it = block.find("type");
  return it != block.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string string_member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

/// The redacted data the fake hands out: a payload and its keyed hash.
bool valid_redacted(const std::string& data) {
  auto dot = data.rfind('.');
  if (dot == std::string::npos) return false;
  return keyed_hash("redacted", data.substr(0, dot)) == data.substr(dot + 1);
}

}  // namespace

std::string thinking_signature(std::string_view text) {
  return "fakesig_" + keyed_hash("thinking", text);
}

std::string redacted_data(int turn) {
  std::string payload = fmt::format("RkFLRS1SRURBQ1RFRC1{:04d}", turn);
  return payload + "." + keyed_hash("redacted", payload);
}

bool anthropic_thinking_enabled(const json& body) {
  auto it = body.find("thinking");
  return it != body.end() && it->is_object() && string_member(*it, "type") == "enabled";
}

std::optional<std::string> anthropic_thinking_error(const json& body) {
  const bool enabled = anthropic_thinking_enabled(body);
  auto messages = body.find("messages");
  // Blocks sent back are checked whatever the request enables: they must be the fake's own.
  if (messages != body.end() && messages->is_array()) {
    for (std::size_t i = 0; i < messages->size(); ++i) {
      const json& content = (*messages)[i].value("content", json());
      if (!content.is_array()) continue;
      for (std::size_t j = 0; j < content.size(); ++j) {
        const json& block = content[j];
        std::string type = type_of(block);
        if (type == "thinking" && string_member(block, "signature") !=
                                      thinking_signature(string_member(block, "thinking"))) {
          return fmt::format("messages.{}.content.{}: Invalid `signature` in `thinking` block", i,
                             j);
        }
        if (type == "redacted_thinking" && !valid_redacted(string_member(block, "data"))) {
          return fmt::format("messages.{}.content.{}: Invalid `data` in `redacted_thinking` block",
                             i, j);
        }
      }
    }
  }
  if (!enabled) return std::nullopt;
  const json& thinking = body["thinking"];
  auto budget = thinking.find("budget_tokens");
  if (budget == thinking.end() || !budget->is_number_integer() ||
      budget->get<std::int64_t>() < 1024) {
    return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
  }
  auto max_tokens = body.find("max_tokens");
  if (max_tokens != body.end() && max_tokens->is_number_integer() &&
      max_tokens->get<std::int64_t>() <= budget->get<std::int64_t>()) {
    return "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our "
           "documentation at https://docs.claude.com/en/docs/build-with-claude/"
           "extended-thinking#max-tokens-and-context-window-size";
  }
  if (auto t = body.find("temperature"); t != body.end() && t->is_number() && *t != 1) {
    return "`temperature` may only be set to 1 when thinking is enabled. Please consult our "
           "documentation at https://docs.claude.com/en/docs/build-with-claude/"
           "extended-thinking#feature-compatibility";
  }
  if (auto choice = body.find("tool_choice"); choice != body.end() && choice->is_object()) {
    std::string type = string_member(*choice, "type");
    if (type == "any" || type == "tool")
      return "Thinking may not be enabled when tool_choice forces tool use.";
  }
  if (messages == body.end() || !messages->is_array()) return std::nullopt;
  // The last assistant message, when it holds tool_use blocks, must start with its thinking.
  for (std::size_t i = messages->size(); i-- > 0;) {
    const json& m = (*messages)[i];
    if (!m.is_object() || m.value("role", "") != "assistant") continue;
    const json& content = m.value("content", json());
    if (!content.is_array() || content.empty()) return std::nullopt;
    bool uses_tools = false;
    for (const auto& block : content)
      uses_tools = uses_tools || type_of(block) == "tool_use";
    std::string first = type_of(content[0]);
    if (!uses_tools || first == "thinking" || first == "redacted_thinking") return std::nullopt;
    return fmt::format(
        "messages.{}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{}`. "
        "When `thinking` is enabled, a final `assistant` message must start with a thinking "
        "block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We "
        "recommend you include thinking blocks from previous turns. To avoid this requirement, "
        "disable `thinking`. Please consult our documentation at "
        "https://docs.claude.com/en/docs/build-with-claude/extended-thinking",
        i, first);
  }
  return std::nullopt;
}

std::optional<std::string> openai_reasoning_error(const json& body) {
  auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array()) return std::nullopt;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const json& m = (*messages)[i];
    if (m.is_object() && m.value("role", "") == "assistant" && m.contains("reasoning_content")) {
      return fmt::format(
          "The reasoning_content is an intermediate result for display purposes only and will "
          "not be included in the context for inference. Please remove the reasoning_content "
          "from your input to avoid wasting resources and potential errors (messages[{}])",
          i);
    }
  }
  return std::nullopt;
}

}  // namespace agentry::fakellm
