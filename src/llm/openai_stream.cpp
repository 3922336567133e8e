#include "llm/openai_stream.hpp"

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "core/text.hpp"
#include "llm/error_body.hpp"
#include "llm/openai_wire.hpp"

namespace agentry::llm {

using nlohmann::json;

namespace {

const std::string* string_member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

/// Only choice 0 is read; a choice without an index is choice 0. Any other `index` (a string,
/// an object) marks a choice that is not ours rather than an error.
bool is_first_choice(const json& choice) {
  auto it = choice.find("index");
  return it == choice.end() || it->is_null() || (it->is_number() && *it == 0);
}

}  // namespace

void OpenAiStreamDecoder::apply_tool_delta(const json& delta, std::size_t position) {
  if (!delta.is_object()) return;
  int index = static_cast<int>(position);
  if (auto it = delta.find("index"); it != delta.end() && it->is_number_integer()) {
    index = it->get<int>();
  }
  PartialCall& call = calls_[index];
  if (const auto* id = string_member(delta, "id"); id && call.id.empty()) call.id = *id;
  auto function = delta.find("function");
  if (function == delta.end() || !function->is_object()) return;
  if (const auto* name = string_member(*function, "name"); name && call.name.empty()) {
    call.name = *name;
  }
  if (auto args = function->find("arguments"); args != function->end()) {
    arguments_size_ -= call.arguments.size();
    if (args->is_string()) {
      call.arguments += args->get_ref<const std::string&>();
    } else if (args->is_object() || args->is_array()) {
      call.arguments = args->dump(-1, ' ', false, json::error_handler_t::replace);
    }
    arguments_size_ += call.arguments.size();
  }
}

Result<void> OpenAiStreamDecoder::on_event(const SseEvent& event, const StreamSink& sink) {
  std::string_view data = event.data;
  if (data.starts_with("[DONE]")) {
    done_ = true;
    return {};
  }
  if (json_too_deep(data)) {
    return tl::make_unexpected(payload_too_deep("a stream chunk"));
  }
  json chunk = json::parse(data.begin(), data.end(), nullptr, false);
  if (chunk.is_discarded() || !chunk.is_object()) {
    Error error(ErrorCode::kParse, fmt::format("malformed stream chunk: {}", excerpt(data)));
    error.retryable = true;
    return tl::make_unexpected(std::move(error));
  }
  if (auto err = chunk.find("error"); err != chunk.end() && !err->is_null()) {
    ServerError server = parse_server_error(chunk);
    std::string detail = server.type.empty() ? server.code : server.type;
    Error error(ErrorCode::kHttp,
                fmt::format("the server reported an error mid-stream: {}{}", server.message,
                            detail.empty() ? "" : fmt::format(" [{}]", detail)));
    error.retryable = is_retryable_stream_error(server);
    mark_context_overflow(error, 0, server);
    return tl::make_unexpected(std::move(error));
  }
  if (const auto* model = string_member(chunk, "model"); model && !model->empty()) model_ = *model;
  if (auto usage = chunk.find("usage"); usage != chunk.end() && usage->is_object()) {
    usage_ = openai_usage(*usage);
    usage_seen_ = true;
  }
  auto choices = chunk.find("choices");
  if (choices == chunk.end() || !choices->is_array()) return {};
  for (const auto& choice : *choices) {
    if (!choice.is_object() || !is_first_choice(choice)) continue;
    if (auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
      think(openai_reasoning_fields(*delta), sink);
      if (auto content = delta->find("content"); content != delta->end()) {
        auto parts = openai_content(*content);
        if (!parts) return tl::make_unexpected(parts.error());
        think(std::move(parts->reasoning), sink);
        if (!parts->text.empty()) {
          text_ += parts->text;
          delivered_ = true;
          sink(TextDelta{std::move(parts->text)});
        }
      }
      if (auto tools = delta->find("tool_calls"); tools != delta->end() && tools->is_array()) {
        for (std::size_t i = 0; i < tools->size(); ++i)
          apply_tool_delta((*tools)[i], i);
      }
    }
    if (const auto* reason = string_member(choice, "finish_reason"); reason) {
      finish_reason_ = *reason;
      finish_seen_ = true;
      deliver_calls(sink);
    }
  }
  return {};
}

void OpenAiStreamDecoder::think(std::string text, const StreamSink& sink) {
  if (text.empty()) return;
  reasoning_ += text;
  delivered_ = true;
  sink(ThinkingDelta{std::move(text)});
}

void OpenAiStreamDecoder::deliver_calls(const StreamSink& sink) {
  if (calls_delivered_) return;
  calls_delivered_ = true;
  for (auto& [index, partial] : calls_) {
    std::string id = partial.id.empty() ? ids_.next() : partial.id;
    built_.push_back(make_tool_call(std::move(id), partial.name, partial.arguments));
  }
  if (openai_finish_reason(finish_reason_, !built_.empty()) == FinishReason::kLength) return;
  for (const auto& call : built_) {
    delivered_ = true;
    sink(ToolCallReady{call});
  }
}

Completion OpenAiStreamDecoder::finish(const StreamSink& sink) {
  deliver_calls(sink);
  Completion c;
  c.model = model_;
  c.message = Message::assistant(text_, built_);
  if (!reasoning_.empty()) c.message.thinking.push_back({reasoning_, "openai", nullptr});
  c.finish = finish_seen_ ? openai_finish_reason(finish_reason_, !built_.empty())
                          : (built_.empty() ? FinishReason::kStop : FinishReason::kToolCalls);
  c.usage = usage_;
  if (usage_seen_) sink(UsageReport{usage_});
  return c;
}

}  // namespace agentry::llm
