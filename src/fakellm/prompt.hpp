#pragma once
/// The fake server's view of a request as a model sees it: the prompt, in tokens.
///
/// The tokenizer is deterministic and behaves roughly like a real BPE one, so that a client
/// cannot get its count right from the byte length alone and must calibrate on reported usage:
/// a word of up to 6 letters is one token, a longer one a token per 4 letters; digits go in
/// threes, punctuation in pairs, blanks in fours, line breaks in pairs, and every non-ASCII
/// character is a token of its own. A single space before a word, number or punctuation joins
/// it, as in BPE vocabularies.
///
/// A request becomes a Prompt in the order the services render it — tools, then system, then
/// messages — as a list of blocks (each tool, each system block, each message content block;
/// a string content is one block) whose tokens are the block's text plus a marker token for
/// each role, tool call and tool result. The prompt's identity is its token sequence: strings
/// (text, tool arguments, ids) count byte for byte, while JSON objects (tool definitions,
/// tool_use input) count as their compact dump in the order the client sent the keys — what a
/// service renders after parsing the body, so whitespace between JSON tokens does not matter
/// and everything else does. `cache_control` marks a block as a breakpoint and is not itself
/// part of the prompt (moving a breakpoint does not change the prefix).
#include <cstdint>
#include <string_view>
#include <vector>

namespace agentry::fakellm {

/// Tokens in `text`.
std::int64_t count_tokens(std::string_view text);

struct PromptBlock {
  std::int64_t end = 0;           ///< tokens of the prompt up to and including this block
  std::uint64_t prefix_hash = 0;  ///< identifies everything up to and including this block
  bool breakpoint = false;        ///< the block carries cache_control
};

struct Prompt {
  std::vector<PromptBlock> blocks;
  std::vector<std::uint64_t> tokens;  ///< one hash per token, in order

  std::int64_t token_count() const { return static_cast<std::int64_t>(tokens.size()); }
};

/// The prompt of an Anthropic Messages request body, or of an OpenAI chat-completions one.
/// A body that is not a JSON object gives an empty prompt.
Prompt anthropic_prompt(std::string_view body);
Prompt openai_prompt(std::string_view body);
/// The prompt of an OpenAI Responses request body: tools, `instructions`, then `input` items.
Prompt responses_prompt(std::string_view body);

/// Mixes `value` into `seed` (64-bit; for prefix and cache-key hashes).
std::uint64_t hash_mix(std::uint64_t seed, std::uint64_t value);
/// FNV-1a of `bytes`.
std::uint64_t hash_bytes(std::string_view bytes);

}  // namespace agentry::fakellm
