#include "core/message.hpp"

namespace agentry {

using nlohmann::json;

const char* to_string(Role role) {
  switch (role) {
    case Role::kUser:
      return "user";
    case Role::kAssistant:
      return "assistant";
    case Role::kTool:
      return "tool";
  }
  return "user";
}

void to_json(json& j, const ToolCall& v) {
  j = json{{"id", v.id}, {"name", v.name}, {"arguments", v.arguments}};
  if (!v.raw_arguments.empty()) j["raw_arguments"] = v.raw_arguments;
}

void from_json(const json& j, ToolCall& v) {
  v.id = j.value("id", "");
  v.name = j.value("name", "");
  v.arguments = j.value("arguments", json::object());
  v.raw_arguments = j.value("raw_arguments", "");
}

void to_json(json& j, const ToolResult& v) {
  j = json{
      {"call_id", v.call_id}, {"name", v.name}, {"content", v.content}, {"is_error", v.is_error}};
  for (const auto& image : v.images)
    j["images"].push_back({{"media_type", image.media_type}, {"data", image.data}});
}

void from_json(const json& j, ToolResult& v) {
  v.call_id = j.value("call_id", "");
  v.name = j.value("name", "");
  v.content = j.value("content", "");
  v.is_error = j.value("is_error", false);
  v.images.clear();
  if (auto images = j.find("images"); images != j.end() && images->is_array())
    for (const auto& image : *images)
      if (image.is_object())
        v.images.push_back({image.value("media_type", ""), image.value("data", "")});
}

void to_json(json& j, const Thinking& v) {
  j = json{{"wire", v.wire}};
  if (!v.text.empty()) j["text"] = v.text;
  if (!v.raw.is_null()) j["raw"] = v.raw;
}

void from_json(const json& j, Thinking& v) {
  v.wire = j.value("wire", "");
  v.text = j.value("text", "");
  v.raw = j.contains("raw") ? j.at("raw") : json{};
}

void to_json(json& j, const Message& v) {
  j = json{{"role", to_string(v.role)}};
  if (!v.text.empty()) j["text"] = v.text;
  if (!v.tool_calls.empty()) j["tool_calls"] = v.tool_calls;
  if (!v.tool_results.empty()) j["tool_results"] = v.tool_results;
  if (!v.thinking.empty()) j["thinking"] = v.thinking;
}

void from_json(const json& j, Message& v) {
  auto role = j.value("role", "user");
  v.role = role == "assistant" ? Role::kAssistant : role == "tool" ? Role::kTool : Role::kUser;
  v.text = j.value("text", "");
  v.tool_calls = j.value("tool_calls", std::vector<ToolCall>{});
  v.tool_results = j.value("tool_results", std::vector<ToolResult>{});
  v.thinking = j.value("thinking", std::vector<Thinking>{});
}

void to_json(json& j, const Usage& v) {
  j = json{{"input_tokens", v.input_tokens},
           {"output_tokens", v.output_tokens},
           {"cache_read_tokens", v.cache_read_tokens},
           {"cache_write_tokens", v.cache_write_tokens}};
  if (v.reasoning_tokens != 0) j["reasoning_tokens"] = v.reasoning_tokens;
}

void from_json(const json& j, Usage& v) {
  v.input_tokens = j.value("input_tokens", std::int64_t{0});
  v.output_tokens = j.value("output_tokens", std::int64_t{0});
  v.cache_read_tokens = j.value("cache_read_tokens", std::int64_t{0});
  v.cache_write_tokens = j.value("cache_write_tokens", std::int64_t{0});
  v.reasoning_tokens = j.value("reasoning_tokens", std::int64_t{0});
}

}  // namespace agentry
