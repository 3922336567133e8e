#include "mcpclient/call_result.hpp"

#include <fmt/format.h>

#include "tools/capped_text.hpp"

namespace agentry::mcpclient {

using nlohmann::json;

namespace {

std::string str(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// "[image: image/png, 1.2 KiB]": base64 holds 3 bytes in every 4 characters.
std::string media_note(const json& item, const char* kind) {
  std::size_t bytes = str(item, "data").size() / 4 * 3;
  std::string size = bytes >= 1024 ? fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024.0)
                                   : fmt::format("{} bytes", bytes);
  std::string mime = str(item, "mimeType");
  return fmt::format("[{}: {}, {}; not shown as text]", kind, mime.empty() ? "unknown type" : mime,
                     size);
}

std::string resource_text(const json& resource) {
  std::string uri = str(resource, "uri");
  std::string out = fmt::format("[resource: {}", uri.empty() ? "(no uri)" : uri);
  if (auto mime = str(resource, "mimeType"); !mime.empty()) out += fmt::format(", {}", mime);
  out += "]";
  if (resource.contains("text") && resource["text"].is_string()) {
    out += "\n" + resource["text"].get<std::string>();
  } else if (resource.contains("blob")) {
    out += fmt::format(" ({} bytes of binary content, not shown)",
                       str(resource, "blob").size() / 4 * 3);
  }
  return out;
}

std::string item_text(const json& item) {
  std::string type = str(item, "type");
  if (type == "text") return str(item, "text");
  if (type == "image") return media_note(item, "image");
  if (type == "audio") return media_note(item, "audio");
  if (type == "resource_link") {
    std::string out = fmt::format("[resource link: {}", str(item, "uri"));
    if (auto name = str(item, "name"); !name.empty()) out += fmt::format(" ({})", name);
    out += "]";
    if (auto description = str(item, "description"); !description.empty()) out += " " + description;
    return out;
  }
  if (type == "resource" && item.contains("resource") && item["resource"].is_object())
    return resource_text(item["resource"]);
  return fmt::format("[{} content: {}]", type.empty() ? "untyped" : type,
                     item.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 200));
}

}  // namespace

CallResult render_call_result(const json& result, std::size_t output_cap) {
  if (!result.is_object())
    return {fmt::format("the MCP server's tools/call result is not an object: {}",
                        result.dump().substr(0, 200)),
            true};
  CallResult out;
  out.is_error = result.value("isError", false) == true;
  std::string text;
  auto content = result.find("content");
  if (content != result.end() && !content->is_array())
    return {"the MCP server's tools/call result has a `content` that is not a list", true};
  auto structured = result.find("structuredContent");
  const bool has_structured = structured != result.end() && !structured->is_null();
  bool structured_shown = false;
  std::size_t image_bytes = 0;
  if (content != result.end()) {
    for (const auto& item : *content) {
      if (item.is_object() && str(item, "type") == "image") {
        std::string mime = str(item, "mimeType");
        std::string data = str(item, "data");
        bool taken = mime == "image/png" || mime == "image/jpeg" || mime == "image/gif" ||
                     mime == "image/webp";
        if (taken && !data.empty() && image_bytes + data.size() <= kMaxImageBytes) {
          image_bytes += data.size();
          out.images.push_back({mime, std::move(data)});
        }
      }
      if (!text.empty()) text += "\n";
      text += item.is_object() ? item_text(item) : item.dump();
      // Servers usually repeat the structured content as a text item: say it once.
      if (has_structured && item.is_object() && str(item, "type") == "text" &&
          json::parse(str(item, "text"), nullptr, false) == *structured)
        structured_shown = true;
    }
  }
  // Or wrap the text in a one-member object ({"content": TEXT}, as server-filesystem does).
  if (has_structured && structured->is_object() && structured->size() == 1 &&
      structured->begin()->is_string() && structured->begin()->get<std::string>() == text)
    structured_shown = true;
  if (has_structured && !structured_shown) {
    if (!text.empty()) text += "\n";
    text += structured->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (text.empty()) text = out.is_error ? "(the tool failed without a message)" : "(no output)";
  out.text = tools::cap_text(tools::valid_utf8(text), output_cap);
  return out;
}

}  // namespace agentry::mcpclient
