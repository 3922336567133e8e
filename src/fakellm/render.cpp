#include "fakellm/render.hpp"

namespace agentry::fakellm {

std::string RequestView::model() const {
  auto it = body.find("model");
  return it != body.end() && it->is_string() ? it->get<std::string>() : "fake-model";
}

bool RequestView::include_usage() const {
  auto it = body.find("stream_options");
  return it != body.end() && it->is_object() && it->value("include_usage", false);
}

std::string content_text(const nlohmann::json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (part.is_object()) out += part.value("text", "");
    }
  }
  return out;
}

std::string sse_event(const Shape& shape, std::string_view event, std::string_view data) {
  std::string out;
  const char* sep = shape.sse_no_space ? ":" : ": ";
  if (!event.empty()) {
    out += "event";
    out += sep;
    out += event;
    out += shape.line_end;
  }
  out += "data";
  out += sep;
  out += data;
  out += shape.line_end;
  out += shape.line_end;
  return out;
}

std::vector<std::string> split_text(std::string_view text, int chunk_chars) {
  std::vector<std::string> pieces;
  auto is_continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
  while (!text.empty()) {
    std::size_t n;
    if (chunk_chars > 0) {
      n = std::min(text.size(), static_cast<std::size_t>(chunk_chars));
    } else {
      auto space = text.find(' ');
      n = space == std::string_view::npos ? text.size() : space + 1;
    }
    while (n < text.size() && is_continuation(text[n]))
      ++n;
    pieces.emplace_back(text.substr(0, n));
    text.remove_prefix(n);
  }
  return pieces;
}

}  // namespace agentry::fakellm
