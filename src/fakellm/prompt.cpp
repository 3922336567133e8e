#include "fakellm/prompt.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace agentry::fakellm {

namespace {

using ordered = nlohmann::ordered_json;

enum class CharClass { kLetter, kDigit, kBlank, kBreak, kWide, kPunct };

CharClass class_of(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return CharClass::kLetter;
  if (c >= '0' && c <= '9') return CharClass::kDigit;
  if (c == ' ' || c == '\t') return CharClass::kBlank;
  if (c == '\n' || c == '\r') return CharClass::kBreak;
  if (c >= 0x80) return CharClass::kWide;
  return CharClass::kPunct;
}

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

/// Calls `emit(piece)` for each token of `text`, in order (see prompt.hpp for the rules).
template <class Emit>
void split_tokens(std::string_view text, Emit&& emit) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    std::size_t start = i;
    if (text[i] == ' ' && i + 1 < n) {
      CharClass next = class_of(static_cast<unsigned char>(text[i + 1]));
      if (next != CharClass::kBlank && next != CharClass::kBreak) ++i;  // joins what follows
    }
    CharClass cls = class_of(static_cast<unsigned char>(text[i]));
    std::size_t run = i;
    if (cls == CharClass::kWide) {
      ++run;
      while (run < n && is_continuation(static_cast<unsigned char>(text[run])))
        ++run;
      emit(text.substr(start, run - start));
      i = run;
      continue;
    }
    while (run < n && class_of(static_cast<unsigned char>(text[run])) == cls)
      ++run;
    std::size_t length = run - i;
    std::size_t piece = cls == CharClass::kLetter  ? (length <= 6 ? length : 4)
                        : cls == CharClass::kDigit ? 3
                        : cls == CharClass::kPunct ? 2
                        : cls == CharClass::kBlank ? 4
                                                   : 2;
    std::size_t at = i;
    while (at < run) {
      std::size_t end = std::min(run, at + piece);
      emit(text.substr(start, end - start));
      start = at = end;
    }
    i = run;
  }
}

bool has_cache_control(const ordered& block) {
  return block.is_object() && block.contains("cache_control") && !block["cache_control"].is_null();
}

std::string_view string_at(const ordered& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>())
                                            : std::string_view();
}

const ordered& member(const ordered& obj, const char* key) {
  static const ordered kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

/// Builds a Prompt block by block.
class Builder {
 public:
  /// One marker token (a role, the start of a tool call), never produced by text.
  void marker(std::string_view name) { add(hash_mix(0x6d61726b65720000ULL, hash_bytes(name))); }
  void text(std::string_view text) {
    split_tokens(text, [this](std::string_view piece) { add(hash_bytes(piece)); });
  }
  void json(const ordered& value) {
    if (value.is_string()) {
      text(value.get_ref<const std::string&>());
    } else if (!value.is_null()) {
      ordered copy = value;
      if (copy.is_object()) copy.erase("cache_control");
      text(copy.dump(-1, ' ', false, ordered::error_handler_t::replace));
    }
  }
  /// A content that is a string or a list of parts: text parts as their text, others as JSON.
  void parts(const ordered& content) {
    if (!content.is_array()) {
      json(content);
      return;
    }
    for (const auto& part : content) {
      if (string_at(part, "type") == "text") {
        text(string_at(part, "text"));
      } else {
        json(part);
      }
    }
  }
  void end_block(bool breakpoint) {
    chain_ = hash_mix(chain_, hash_mix(block_, static_cast<std::uint64_t>(block_tokens_)));
    prompt_.blocks.push_back({prompt_.token_count(), chain_, breakpoint});
    block_ = 0x626c6f636bULL;
    block_tokens_ = 0;
  }
  Prompt finish() && { return std::move(prompt_); }

 private:
  void add(std::uint64_t token) {
    prompt_.tokens.push_back(token);
    block_ = hash_mix(block_, token);
    ++block_tokens_;
  }

  Prompt prompt_;
  std::uint64_t block_ = 0x626c6f636bULL;
  std::int64_t block_tokens_ = 0;
  std::uint64_t chain_ = 0x7072656669780000ULL;
};

ordered parse_object(std::string_view body) {
  ordered doc = ordered::parse(body, nullptr, false);
  return doc.is_discarded() || !doc.is_object() ? ordered::object() : doc;
}

/// One Anthropic content block's tokens (the caller ends the block); whether the block is a
/// breakpoint (cache_control on it, or on a block inside a tool result).
bool anthropic_block(Builder& b, const ordered& block) {
  bool breakpoint = has_cache_control(block);
  std::string_view type = string_at(block, "type");
  if (type == "text") {
    b.text(string_at(block, "text"));
  } else if (type == "thinking") {
    b.marker("thinking");
    b.text(string_at(block, "thinking"));
  } else if (type == "tool_use" || type == "server_tool_use") {
    b.marker("tool_use");
    b.text(string_at(block, "id"));
    b.text(string_at(block, "name"));
    b.json(member(block, "input"));
  } else if (type == "tool_result") {
    b.marker("tool_result");
    b.text(string_at(block, "tool_use_id"));
    const ordered& content = member(block, "content");
    b.parts(content);
    if (content.is_array()) {
      breakpoint = breakpoint || std::any_of(content.begin(), content.end(), has_cache_control);
    }
    if (member(block, "is_error") == true) b.marker("error");
  } else {
    b.json(block);
  }
  return breakpoint;
}

/// A builder holding the request's tools, one block each (they come first in every prompt).
Builder with_tools(const ordered& doc) {
  Builder b;
  if (const ordered& tools = member(doc, "tools"); tools.is_array()) {
    for (const auto& tool : tools) {
      b.marker("tool");
      b.json(tool);
      b.end_block(has_cache_control(tool));
    }
  }
  return b;
}

}  // namespace

std::uint64_t hash_mix(std::uint64_t seed, std::uint64_t value) {
  std::uint64_t x = seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t hash_bytes(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::int64_t count_tokens(std::string_view text) {
  std::int64_t n = 0;
  split_tokens(text, [&n](std::string_view) { ++n; });
  return n;
}

Prompt anthropic_prompt(std::string_view body) {
  const ordered doc = parse_object(body);
  Builder b = with_tools(doc);
  if (const ordered& system = member(doc, "system"); system.is_string()) {
    b.marker("system");
    b.text(system.get_ref<const std::string&>());
    b.end_block(false);
  } else if (system.is_array()) {
    b.marker("system");
    for (const auto& block : system) {
      b.end_block(anthropic_block(b, block));
    }
  }
  if (const ordered& messages = member(doc, "messages"); messages.is_array()) {
    for (const auto& message : messages) {
      b.marker(string_at(message, "role"));
      const ordered& content = member(message, "content");
      if (!content.is_array()) {
        b.json(content);
        b.end_block(false);
        continue;
      }
      for (const auto& block : content) {
        b.end_block(anthropic_block(b, block));
      }
    }
  }
  return std::move(b).finish();
}

Prompt openai_prompt(std::string_view body) {
  const ordered doc = parse_object(body);
  Builder b = with_tools(doc);
  if (const ordered& messages = member(doc, "messages"); messages.is_array()) {
    for (const auto& message : messages) {
      b.marker(string_at(message, "role"));
      b.text(string_at(message, "name"));
      b.parts(member(message, "content"));
      b.text(string_at(message, "reasoning_content"));
      if (const ordered& calls = member(message, "tool_calls"); calls.is_array()) {
        for (const auto& call : calls) {
          b.marker("tool_call");
          b.text(string_at(call, "id"));
          const ordered& function = member(call, "function");
          b.text(string_at(function, "name"));
          b.json(member(function, "arguments"));
        }
      }
      b.text(string_at(message, "tool_call_id"));
      b.marker("end");
      b.end_block(false);
    }
  }
  return std::move(b).finish();
}

Prompt responses_prompt(std::string_view body) {
  const ordered doc = parse_object(body);
  Builder b = with_tools(doc);
  if (const ordered& instructions = member(doc, "instructions"); instructions.is_string()) {
    b.marker("system");
    b.text(instructions.get_ref<const std::string&>());
    b.end_block(false);
  }
  const ordered& input = member(doc, "input");
  if (input.is_string()) {
    b.marker("user");
    b.text(input.get_ref<const std::string&>());
    b.end_block(false);
  }
  if (input.is_array()) {
    for (const auto& item : input) {
      std::string_view type = string_at(item, "type");
      b.marker(type.empty() || type == "message" ? string_at(item, "role") : type);
      b.parts(member(item, "content"));
      b.text(string_at(item, "call_id"));
      b.text(string_at(item, "name"));
      b.text(string_at(item, "arguments"));
      b.json(member(item, "output"));
      b.text(string_at(item, "encrypted_content"));
      b.marker("end");
      b.end_block(false);
    }
  }
  return std::move(b).finish();
}

}  // namespace agentry::fakellm
