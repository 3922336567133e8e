#pragma once
/// Building core ToolCalls from what servers send: argument text that may be invalid JSON, an
/// object where a string belongs, or a missing id.
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "core/message.hpp"

namespace agentry::llm {

/// A ToolCall whose raw_arguments is `raw` byte for byte (so it can be replayed exactly) and
/// whose arguments are its parse: an empty text gives {}, invalid JSON or JSON nested deeper than
/// kMaxJsonDepth gives null (the engine answers the model with an error instead of running the
/// tool).
ToolCall make_tool_call(std::string id, std::string name, std::string raw);

/// Invents tool-call ids for servers that omit them: 9 characters [A-Za-z0-9], the form that
/// Mistral-tokenizer models on vLLM insist on (PROTOCOLS.md §2.5). One per stream decoder.
class ToolCallIdSource {
 public:
  ToolCallIdSource();
  std::string next();

 private:
  std::mt19937_64 rng_;
};

/// The argument text to send back for `call`: its raw text when there is one, else its
/// arguments serialised ("{}" when null). Never throws on bad UTF-8.
std::string arguments_text(const ToolCall& call);

/// The arguments as an object for APIs that want one (Anthropic `input`): `call.arguments` when
/// it is an object, else the raw text parsed, else {}.
nlohmann::json arguments_object(const ToolCall& call);

}  // namespace agentry::llm
