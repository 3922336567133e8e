#include "llm/tool_call_parts.hpp"

#include "core/json_depth.hpp"

namespace agentry::llm {

using nlohmann::json;

ToolCall make_tool_call(std::string id, std::string name, std::string raw) {
  ToolCall call;
  call.id = std::move(id);
  call.name = std::move(name);
  if (raw.find_first_not_of(" \t\r\n") == std::string::npos) {
    call.arguments = json::object();
  } else if (json_too_deep(raw)) {
    call.arguments = nullptr;  // refused unparsed: the tool invoker tells the model why
  } else {
    call.arguments = json::parse(raw, nullptr, false);
    if (call.arguments.is_discarded()) call.arguments = nullptr;
  }
  call.raw_arguments = std::move(raw);
  return call;
}

ToolCallIdSource::ToolCallIdSource() : rng_(std::random_device{}()) {}

std::string ToolCallIdSource::next() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
  std::string id(9, 'x');
  for (char& c : id)
    c = kAlphabet[pick(rng_)];
  return id;
}

std::string arguments_text(const ToolCall& call) {
  if (!call.raw_arguments.empty()) return call.raw_arguments;
  if (call.arguments.is_null()) return "{}";
  return call.arguments.dump(-1, ' ', false, json::error_handler_t::replace);
}

json arguments_object(const ToolCall& call) {
  if (call.arguments.is_object()) return call.arguments;
  if (json_too_deep(call.raw_arguments)) return json::object();
  json parsed = json::parse(call.raw_arguments, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) return parsed;
  return json::object();
}

}  // namespace agentry::llm
