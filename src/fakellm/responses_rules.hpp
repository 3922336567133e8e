#pragma once
/// What the fake server's Responses route (/v1/responses) issues and, with `thinking_rules: true`
/// in the script's `server:`, enforces of OpenAI's rules for stateless reasoning:
///
/// Every answer to a request that includes "reasoning.encrypted_content" (or that asks for
/// reasoning, or whose turn scripts `thinking`) starts with a reasoning item
/// {type: reasoning, id: rs_…, summary: [...], encrypted_content: …} — the content only when the
/// request includes it. The encrypted content is a keyed hash of the item's id, so the fake can
/// verify it without keeping the item. Function calls of that answer are tied to it: the ledger
/// remembers, per call_id, the function_call item's id and the reasoning item's.
///
/// Refused with OpenAI's 400 (error type invalid_request_error, param input):
///   - a function_call sent back without its reasoning item before it, in the same run of
///     assistant items: "Item 'fc_…' of type 'function_call' was provided without its required
///     'reasoning' item: 'rs_…'.";
///   - a reasoning item whose encrypted_content is not the one issued: "The encrypted content
///     for item rs_… could not be verified." (code invalid_encrypted_content);
///   - a reasoning item without encrypted_content while `store` is false: "Item with id 'rs_…'
///     not found. Items are not persisted when `store` is set to false. …".
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentry::fakellm {

/// The ids the fake gives the reasoning item and the k-th function_call item of its answer to
/// request `request_number`.
std::string reasoning_item_id(int request_number);
std::string function_call_item_id(int request_number, std::size_t k);
/// The encrypted_content the fake issues for reasoning item `id`.
std::string encrypted_reasoning(std::string_view id);

/// Whether the answer to `body` carries a reasoning item (see above); `scripted_thinking`: the
/// turn has `thinking` text.
bool issues_reasoning(const nlohmann::json& body, bool scripted_thinking);
/// Whether `body` includes reasoning.encrypted_content.
bool includes_encrypted_reasoning(const nlohmann::json& body);

/// A Responses error body: {"error": {message, type: invalid_request_error, param, code}}.
std::string responses_error_body(std::string_view message, std::string_view param,
                                 std::string_view code);

class ReasoningLedger {
 public:
  /// Records the function calls (their call_ids, in order) of the answer to `request_number`.
  void issued(int request_number, const std::vector<std::string>& call_ids);
  /// The 400's body when `body` breaks a rule above, else none; `message` gets its message.
  std::optional<std::string> refusal(const nlohmann::json& body, std::string& message) const;

 private:
  struct Issued {
    std::string call_item;
    std::string reasoning_item;
  };
  std::map<std::string, Issued> calls_;  ///< call_id -> its items' ids
};

}  // namespace agentry::fakellm
