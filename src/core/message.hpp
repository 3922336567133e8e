#pragma once
/// The conversation model shared by providers, the engine and the session store.
///
/// It is the common denominator of OpenAI chat completions and Anthropic Messages: a provider
/// maps it onto its wire format and back; nothing here knows either format.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentry {

/// A tool invocation requested by the model.
struct ToolCall {
  std::string id;             ///< provider-assigned (or synthesised when a server omits it)
  std::string name;           ///< tool name as the model sees it
  nlohmann::json arguments;   ///< parsed arguments; an object when well-formed
  std::string raw_arguments;  ///< the argument text as received (kept when it fails to parse)
  bool operator==(const ToolCall&) const = default;
};

/// An image a tool handed back (an MCP server's `image` content), for the models that take
/// images in a tool result (Anthropic's); the others read the note in the result's text.
struct ToolImage {
  std::string media_type;  ///< image/png, image/jpeg, image/gif or image/webp
  std::string data;        ///< base64
  bool operator==(const ToolImage&) const = default;
};

/// What a tool handed back, in answer to one ToolCall.
struct ToolResult {
  std::string call_id;
  std::string name;
  std::string content;  ///< text the model reads
  bool is_error =
      false;  ///< the tool failed (bad arguments, failed command): still text for the model
  std::vector<ToolImage> images = {};  ///< usually none
  bool operator==(const ToolResult&) const = default;
};

enum class Role { kUser, kAssistant, kTool };

/// Reasoning the model did before it answered, kept as the provider sent it (issue 19).
/// Anthropic's `thinking` / `redacted_thinking` blocks and OpenAI Responses' `reasoning` items
/// must go back verbatim (signature, encrypted content included) in the tool loop: `raw` holds
/// the block or item exactly as received, `wire` names whose format it is. OpenAI-compatible
/// servers' `reasoning_content` is shown and stored but never sent back: `raw` stays null.
struct Thinking {
  std::string text;    ///< the readable reasoning; empty when redacted or encrypted
  std::string wire;    ///< "anthropic", "openai-responses" or "openai" (display only)
  nlohmann::json raw;  ///< what to send back unchanged; null when nothing may be sent back
  bool operator==(const Thinking&) const = default;
};

/// One message of a conversation. A user message has text; an assistant message has text and/or
/// tool calls; a tool message carries the results of the previous assistant message's calls.
struct Message {
  Role role = Role::kUser;
  std::string text;
  std::vector<ToolCall> tool_calls;
  std::vector<ToolResult> tool_results;
  /// An assistant message's reasoning, in the order it came, before its text and tool calls.
  std::vector<Thinking> thinking;

  static Message user(std::string text) { return {Role::kUser, std::move(text), {}, {}, {}}; }
  static Message assistant(std::string text, std::vector<ToolCall> calls = {}) {
    return {Role::kAssistant, std::move(text), std::move(calls), {}, {}};
  }
  static Message tool(std::vector<ToolResult> results) {
    return {Role::kTool, {}, {}, std::move(results), {}};
  }
  bool operator==(const Message&) const = default;
};

/// Token counts of one model call (or a sum of several).
struct Usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cache_read_tokens = 0;
  std::int64_t cache_write_tokens = 0;
  std::int64_t reasoning_tokens = 0;  ///< part of output_tokens, where the provider says

  Usage& operator+=(const Usage& o) {
    input_tokens += o.input_tokens;
    output_tokens += o.output_tokens;
    cache_read_tokens += o.cache_read_tokens;
    cache_write_tokens += o.cache_write_tokens;
    reasoning_tokens += o.reasoning_tokens;
    return *this;
  }
  bool operator==(const Usage&) const = default;
};

/// What the model is shown of a tool: name, description, JSON-schema parameters.
struct ToolSchema {
  std::string name;
  std::string description;
  nlohmann::json parameters;  ///< a JSON Schema object
};

const char* to_string(Role role);

void to_json(nlohmann::json& j, const ToolCall& v);
void from_json(const nlohmann::json& j, ToolCall& v);
void to_json(nlohmann::json& j, const ToolResult& v);
void from_json(const nlohmann::json& j, ToolResult& v);
void to_json(nlohmann::json& j, const Thinking& v);
void from_json(const nlohmann::json& j, Thinking& v);
void to_json(nlohmann::json& j, const Message& v);
void from_json(const nlohmann::json& j, Message& v);
void to_json(nlohmann::json& j, const Usage& v);
void from_json(const nlohmann::json& j, Usage& v);

}  // namespace agentry
