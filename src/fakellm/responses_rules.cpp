#include "fakellm/responses_rules.hpp"

#include <fmt/format.h>

#include "fakellm/prompt.hpp"

namespace agentry::fakellm {

using nlohmann::json;

namespace {

std::string text_at(const json& obj, const char* key) {
  auto it = obj.is_object() ? obj.find(key) : obj.end();
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// An item of the assistant's side of the conversation: what one answer holds.
bool assistant_item(const json& item) {
  std::string type = text_at(item, "type");
  if (type == "reasoning" || type == "function_call") return true;
  return (type.empty() || type == "message") && text_at(item, "role") == "assistant";
}

}  // namespace

std::string reasoning_item_id(int request_number) {
  return fmt::format("rs_fake{:04d}", request_number);
}

std::string function_call_item_id(int request_number, std::size_t k) {
  return fmt::format("fc_fake{:04d}_{}", request_number, k);
}

std::string encrypted_reasoning(std::string_view id) {
  // Opaque to the client, checkable by the fake: a keyed hash of the id, four times over.
  std::string out = "gAAAAABfake";
  std::uint64_t h = hash_bytes("agentry-fake-llm reasoning key");
  for (int i = 0; i < 4; ++i) {
    h = hash_mix(h, hash_bytes(id));
    out += fmt::format("{:016x}", h);
  }
  return out;
}

bool includes_encrypted_reasoning(const json& body) {
  auto include = body.find("include");
  if (include == body.end() || !include->is_array()) return false;
  for (const auto& v : *include) {
    if (v == "reasoning.encrypted_content") return true;
  }
  return false;
}

bool issues_reasoning(const json& body, bool scripted_thinking) {
  return scripted_thinking || includes_encrypted_reasoning(body) || body.contains("reasoning");
}

std::string responses_error_body(std::string_view message, std::string_view param,
                                 std::string_view code) {
  return json{{"error",
               {{"message", message},
                {"type", "invalid_request_error"},
                {"param", param},
                {"code", code.empty() ? json(nullptr) : json(code)}}}}
      .dump();
}

void ReasoningLedger::issued(int request_number, const std::vector<std::string>& call_ids) {
  for (std::size_t k = 0; k < call_ids.size(); ++k) {
    calls_[call_ids[k]] =
        Issued{function_call_item_id(request_number, k), reasoning_item_id(request_number)};
  }
}

std::optional<std::string> ReasoningLedger::refusal(const json& body, std::string& message) const {
  auto input = body.find("input");
  if (input == body.end() || !input->is_array()) return std::nullopt;
  const bool stored = body.value("store", true) == true;
  std::map<std::string, bool> in_run;  // reasoning item ids of the current run of assistant items
  for (const auto& item : *input) {
    if (!assistant_item(item)) {
      in_run.clear();
      continue;
    }
    std::string type = text_at(item, "type");
    if (type == "reasoning") {
      std::string id = text_at(item, "id");
      auto content = item.find("encrypted_content");
      if (content == item.end() || !content->is_string()) {
        if (stored) continue;
        message = fmt::format(
            "Item with id '{}' not found. Items are not persisted when `store` is set to false. "
            "Try again with `store` set to true, or remove this item from your input.",
            id);
        return responses_error_body(message, "input", "");
      }
      if (content->get<std::string>() != encrypted_reasoning(id)) {
        message = fmt::format("The encrypted content for item {} could not be verified.", id);
        return responses_error_body(message, "", "invalid_encrypted_content");
      }
      in_run[id] = true;
    } else if (type == "function_call") {
      auto it = calls_.find(text_at(item, "call_id"));
      if (it == calls_.end() || in_run.contains(it->second.reasoning_item)) continue;
      message = fmt::format(
          "Item '{}' of type 'function_call' was provided without its required 'reasoning' "
          "item: '{}'.",
          it->second.call_item, it->second.reasoning_item);
      return responses_error_body(message, "input", "");
    }
  }
  return std::nullopt;
}

}  // namespace agentry::fakellm
