#pragma once
/// What the model reads of a tools/call result: `text` content as is; `structuredContent` as
/// compact JSON (unless the text already says it: a text item that is the same JSON, or a
/// one-member object whose string is the whole text); `image` and `audio` as a short note (their
/// type and size, not their bytes); `resource_link` and embedded `resource`s as their URI and
/// text; `isError` makes the whole an error result. The text is cut to the output cap.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/message.hpp"

namespace agentry::mcpclient {

/// The model's side of one MCP tool call (the shape of tools::ToolResult: text + is_error).
struct CallResult {
  std::string text;
  bool is_error = false;
  /// The result's images of a type models take (png, jpeg, gif, webp), up to kMaxImageBytes of
  /// base64 in all, for the models that read images in a tool result; the text notes each.
  std::vector<ToolImage> images = {};
};

/// Base64 bytes of images one result hands on (Anthropic takes 5 MB per image).
inline constexpr std::size_t kMaxImageBytes = 5 * 1024 * 1024;

/// Bytes of a call's text handed to the model (the built-in tools' default output cap).
inline constexpr std::size_t kDefaultOutputCap = 64 * 1024;

/// Renders a tools/call `result` object; a result of the wrong shape is an error result saying so.
CallResult render_call_result(const nlohmann::json& result, std::size_t output_cap);

}  // namespace agentry::mcpclient
