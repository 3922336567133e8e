#pragma once
// In-process fakes for the engine's ports: a scripted provider, tools that answer from a table,
// a catalog built from definitions, and an in-memory session log.
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "engine/engine.hpp"

namespace agentry::engine::testing {

/// Answers each call with the next scripted message; records every request it saw.
class ScriptedProvider : public llm::Provider {
 public:
  using Turn = std::function<Result<llm::Completion>(const llm::CompletionRequest&)>;
  explicit ScriptedProvider(llm::ContextSettings context = {})
      : llm::Provider(std::move(context)) {}
  void push(Turn turn) { turns_.push_back(std::move(turn)); }
  void push_text(std::string text) {
    push([text](const llm::CompletionRequest&) -> Result<llm::Completion> {
      llm::Completion c;
      c.message = Message::assistant(text);
      c.usage = {10, 5, 0, 0};
      c.finish = llm::FinishReason::kStop;
      return c;
    });
  }
  void push_calls(std::vector<ToolCall> calls) {
    push([calls](const llm::CompletionRequest&) -> Result<llm::Completion> {
      llm::Completion c;
      c.message = Message::assistant("", calls);
      c.usage = {10, 5, 0, 0};
      c.finish = llm::FinishReason::kToolCalls;
      return c;
    });
  }

  Result<llm::Completion> complete(const llm::CompletionRequest& request,
                                   const llm::StreamSink& sink, std::stop_token) override {
    Turn turn;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (turns_.empty()) return fail(ErrorCode::kInternal, "script exhausted");
      turn = std::move(turns_.front());
      turns_.pop_front();
    }
    auto c = turn(request);
    if (c && !c->message.text.empty()) sink(llm::TextDelta{c->message.text});
    return c;
  }
  const std::string& name() const override { return name_; }
  std::vector<llm::CompletionRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  std::string name_ = "scripted";
  std::mutex mutex_;
  std::deque<Turn> turns_;
  std::vector<llm::CompletionRequest> requests_;
};

/// Every spec resolves to the same provider(s); a spec naming another registered provider uses it.
class FakeModels : public ModelResolver {
 public:
  explicit FakeModels(std::shared_ptr<llm::Provider> provider) { by_spec_[""] = provider; }
  void add(const std::string& spec, std::shared_ptr<llm::Provider> provider) {
    by_spec_[spec] = std::move(provider);
  }
  std::optional<Price> price = Price{1.0, 2.0, 0, 0};
  Result<ModelBinding> resolve(const std::string& spec, const ModelBinding* inherited) override {
    if ((spec.empty() || spec == "inherit") && inherited != nullptr) return *inherited;
    auto it = by_spec_.find(spec);
    if (it == by_spec_.end()) it = by_spec_.find("");
    return ModelBinding{it->second, spec.empty() ? "default-model" : spec,
                        "fake/" + (spec.empty() ? std::string("default-model") : spec), price};
  }

 private:
  std::map<std::string, std::shared_ptr<llm::Provider>> by_spec_;
};

/// Tools that answer from a function; records calls.
class FakeTools : public ToolHost {
 public:
  std::function<Result<ToolResult>(const ToolCall&, const tools::ToolContext&)> handler =
      [](const ToolCall& call, const tools::ToolContext&) -> Result<ToolResult> {
    return ToolResult{call.id, call.name, "ok: " + call.arguments.dump(), false};
  };
  std::vector<ToolSchema> schemas_for(const agents::AgentDefinition&) const override {
    std::vector<ToolSchema> out{ToolSchema{"read_file", "Read a file", {{"type", "object"}}},
                                ToolSchema{"cargo_clippy", "Run clippy", {{"type", "object"}}}};
    out.insert(out.end(), more.begin(), more.end());
    return out;
  }
  std::vector<ToolSchema> more;  ///< offered after the two above (MCP tools, say)
  Result<ToolResult> execute(const agents::AgentDefinition&, const ToolCall& call,
                             const tools::ToolContext& context) override {
    {
      std::lock_guard lock(mutex_);
      calls.push_back(call);
    }
    return handler(call, context);
  }
  bool writes(const ToolCall& call) const override { return writing.count(call.name) != 0; }
  std::set<std::string> writing{"edit_file", "write_file"};  ///< tools that count as writes
  std::mutex mutex_;
  std::vector<ToolCall> calls;
};

class FakeCatalog : public AgentCatalog {
 public:
  void add(agents::AgentDefinition def) { defs_.push_back(std::move(def)); }
  const agents::AgentDefinition* find(const std::string& name) const override {
    for (const auto& d : defs_)
      if (d.name == name) return &d;
    return nullptr;
  }
  std::vector<const agents::AgentDefinition*> all() const override {
    std::vector<const agents::AgentDefinition*> out;
    for (const auto& d : defs_)
      out.push_back(&d);
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->name < b->name; });
    return out;
  }

 private:
  std::deque<agents::AgentDefinition> defs_;
};

class MemorySessions : public SessionLog {
 public:
  struct Record {
    SessionInfo info;
    std::vector<Message> messages;
    Usage usage;
    std::string status;
    std::string result;
    std::vector<Compaction> compactions;
  };
  Result<std::string> create(const SessionInfo& info) override {
    std::lock_guard lock(mutex_);
    auto id = fmt::format("s{}", sessions.size() + 1);
    sessions[id].info = info;
    sessions[id].info.id = id;
    return id;
  }
  Result<std::vector<Message>> load(const std::string& id) override {
    std::lock_guard lock(mutex_);
    if (!sessions.count(id)) return fail(ErrorCode::kNotFound, "no session " + id);
    return sessions[id].messages;
  }
  Result<SessionInfo> info(const std::string& id) override {
    std::lock_guard lock(mutex_);
    if (!sessions.count(id)) return fail(ErrorCode::kNotFound, "no session " + id);
    return sessions[id].info;
  }
  Result<void> append(const std::string& id, const std::vector<Message>& messages,
                      const Usage& usage, std::optional<double>) override {
    std::lock_guard lock(mutex_);
    auto& s = sessions[id];
    s.messages.insert(s.messages.end(), messages.begin(), messages.end());
    s.usage += usage;
    return {};
  }
  Result<void> finish(const std::string& id, const std::string& status,
                      const std::string& result) override {
    std::lock_guard lock(mutex_);
    sessions[id].status = status;
    sessions[id].result = result;
    return {};
  }
  Result<void> record_compaction(const std::string& id, const Compaction& compaction) override {
    std::lock_guard lock(mutex_);
    auto& s = sessions[id];
    s.compactions.push_back(compaction);
    s.messages = compaction.view;  // load() goes on from the view, as the store does
    return {};
  }
  std::mutex mutex_;
  std::map<std::string, Record> sessions;
};

/// Collects events (thread-safe).
class EventLog : public EventSink {
 public:
  void on_event(const Event& e) override {
    std::lock_guard lock(mutex_);
    events.push_back(e);
  }
  template <class T>
  std::vector<T> of() {
    std::lock_guard lock(mutex_);
    std::vector<T> out;
    for (const auto& e : events)
      if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
    return out;
  }
  std::mutex mutex_;
  std::vector<Event> events;
};

inline ToolCall call(std::string id, std::string name, nlohmann::json args) {
  return ToolCall{std::move(id), std::move(name), std::move(args), {}};
}

}  // namespace agentry::engine::testing
