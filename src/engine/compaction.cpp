#include "engine/compaction.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace agentry::engine {

namespace {

constexpr std::string_view kPrunedPrefix = "[pruned to save context:";
constexpr std::string_view kUnchangedPrefix = "[unchanged:";
constexpr std::size_t kMaxArgumentChars = 120;

std::string short_arguments(const ToolCall& call) {
  std::string args = call.arguments.is_null() ? call.raw_arguments : call.arguments.dump();
  if (args.size() > kMaxArgumentChars) args = args.substr(0, kMaxArgumentChars - 3) + "...";
  return args;
}

const ToolCall* find_call(const std::vector<Message>& history, std::size_t tool_index,
                          const std::string& id) {
  if (tool_index == 0) return nullptr;
  for (const auto& c : history[tool_index - 1].tool_calls)
    if (c.id == id) return &c;
  return nullptr;
}

}  // namespace

std::string pruned_marker(const ToolCall* call, const ToolResult& result) {
  return fmt::format(
      "{} the {}result of {} {} ({} characters) was removed from the conversation; call the "
      "tool again if you need it]",
      kPrunedPrefix, result.is_error ? "error " : "", result.name,
      call != nullptr ? short_arguments(*call) : std::string("(arguments unknown)"),
      result.content.size());
}

bool is_pruned(const std::string& content) {
  std::string_view text(content);
  return text.size() < kPruneMinChars &&
         (text.starts_with(kPrunedPrefix) || text.starts_with(kUnchangedPrefix));
}

std::string unchanged_note(const ToolCall& earlier) {
  return fmt::format(
      "{} this is exactly what your earlier call {} ({} {}) returned; that result is still above "
      "in this conversation and current, so it is not repeated here]",
      kUnchangedPrefix, earlier.id, earlier.name, short_arguments(earlier));
}

int note_unchanged_repeats(const std::vector<Message>& history, const std::vector<ToolCall>& calls,
                           std::vector<ToolResult>& results,
                           const std::function<bool(const ToolCall&)>& read_only) {
  int noted = 0;
  for (auto& result : results) {
    if (result.is_error || result.content.size() < kPruneMinChars) continue;
    auto call = std::find_if(calls.begin(), calls.end(),
                             [&](const ToolCall& c) { return c.id == result.call_id; });
    if (call == calls.end() || call->arguments.is_null() || !read_only(*call)) continue;
    // Newest first: the nearest identical result is the one the note points at.
    for (std::size_t i = history.size(); i-- > 1;) {
      if (history[i].role != Role::kTool) continue;
      const ToolCall* earlier = nullptr;
      for (const auto& old : history[i].tool_results) {
        if (old.is_error || old.name != result.name || old.content != result.content) continue;
        const ToolCall* c = find_call(history, i, old.call_id);
        if (c != nullptr && c->arguments == call->arguments) {
          earlier = c;
          break;
        }
      }
      if (earlier == nullptr) continue;
      result.content = unchanged_note(*earlier);
      ++noted;
      break;
    }
  }
  return noted;
}

int prune_tool_results(std::vector<Message>& history, int keep_turns, ContextBudget& budget,
                       std::int64_t target) {
  std::size_t cut = history.size();
  for (int seen = 0; cut > 0 && seen < keep_turns;) {
    --cut;
    if (history[cut].role == Role::kAssistant) ++seen;
  }
  int pruned = 0;
  for (std::size_t i = 0; i < cut && budget.next() > target; ++i) {
    if (history[i].role != Role::kTool) continue;
    for (auto& result : history[i].tool_results) {
      result.images.clear();  // an old turn's images go with it (the text notes them)
      if (result.content.size() < kPruneMinChars || is_pruned(result.content)) continue;
      std::string marker = pruned_marker(find_call(history, i, result.call_id), result);
      budget.replace(result.content.size(), marker.size());
      result.content = std::move(marker);
      ++pruned;
    }
  }
  return pruned;
}

std::size_t tail_start(const std::vector<Message>& history, const ContextBudget& budget,
                       std::int64_t room_tokens) {
  std::size_t start = history.size();
  std::int64_t used = 0;
  for (std::size_t i = history.size(); i-- > 0;) {
    used += budget.tokens_for(ContextBudget::chars_of(history[i]));
    if (used > room_tokens && start != history.size()) break;
    if (history[i].role != Role::kTool) start = i;
  }
  return start;
}

std::vector<Message> newer_half(const std::vector<Message>& transcript) {
  std::size_t start = transcript.size() / 2;
  while (start < transcript.size() && transcript[start].role == Role::kTool)
    ++start;
  std::vector<Message> out;
  if (start >= transcript.size()) return transcript;
  if (transcript[start].role != Role::kUser)
    out.push_back(Message::user("[the earlier part of this conversation is left out]"));
  out.insert(out.end(), transcript.begin() + static_cast<std::ptrdiff_t>(start), transcript.end());
  return out;
}

std::vector<Message> compacted_view(const std::string& summary, std::vector<Message> tail) {
  std::string text = fmt::format(
      "<summary-of-earlier-conversation>\nThis session was compacted to fit the context window: "
      "the conversation before this point was replaced by the summary below, written by you. "
      "The messages after it are the latest turns, verbatim.\n\n{}\n"
      "</summary-of-earlier-conversation>",
      summary);
  std::vector<Message> view;
  if (!tail.empty() && tail.front().role == Role::kUser && tail.front().tool_results.empty()) {
    tail.front().text = text + "\n\n" + tail.front().text;
  } else {
    view.push_back(Message::user(std::move(text)));
  }
  view.insert(view.end(), std::make_move_iterator(tail.begin()),
              std::make_move_iterator(tail.end()));
  drop_earlier_thinking(view);
  return view;
}

void drop_earlier_thinking(std::vector<Message>& history) {
  bool last = true;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->role != Role::kAssistant) continue;
    if (!last) it->thinking.clear();
    last = false;
  }
}

}  // namespace agentry::engine
