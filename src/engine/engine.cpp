#include "engine/engine.hpp"

#include <algorithm>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "engine/compaction.hpp"
#include "engine/context_budget.hpp"
#include "engine/repeat_guard.hpp"
#include "engine/skill_tool.hpp"
#include "engine/task_tool.hpp"
#include "engine/tool_access.hpp"
#include "tools/tool_exception.hpp"

namespace agentry::engine {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

/// A local id for runs without a session store: time-ordered, random suffix.
std::string local_session_id() {
  std::random_device rd;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return fmt::format("{:012x}{:08x}",
                     std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), rd());
}

std::string title_of(const std::string& task) {
  auto line = task.substr(0, task.find('\n'));
  return line.size() > 120 ? line.substr(0, 117) + "..." : line;
}

}  // namespace

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kCompleted:
      return "completed";
    case StopReason::kMaxSteps:
      return "max_steps";
    case StopReason::kLoopDetected:
      return "loop_detected";
    case StopReason::kCancelled:
      return "cancelled";
    case StopReason::kError:
      return "error";
  }
  return "error";
}

struct Engine::Frame {
  int depth = 0;
  Origin parent;  ///< empty session_id at the top
  std::string parent_call_id;
  const ModelBinding* inherited = nullptr;
};

/// One agent working one task: the loop itself.
class Engine::Session {
 public:
  Session(Engine& engine, const agents::AgentDefinition& agent, ModelBinding binding,
          const Frame& frame, const RunRequest& request, std::stop_token stop)
      : e_(engine),
        agent_(agent),
        binding_(std::move(binding)),
        frame_(frame),
        request_(request),
        stop_(std::move(stop)),
        guard_(engine.limits_.repeat_limit) {}

  Result<RunResult> run();

 private:
  Result<void> prepare();
  /// The tools a request carries: every schema, or tool search's share of them.
  const std::vector<ToolSchema>& request_tools() const {
    return search_ ? search_->offered() : schemas_;
  }
  /// Activates the deferred tools a turn's calls found or called (tool search).
  void note_activations(const std::vector<ToolCall>& calls);
  Result<llm::Completion> model_turn(bool with_tools);
  /// The run's `effort`, else the agent's `effort` / `thinking`; none: the provider decides.
  std::optional<llm::Reasoning> reasoning() const;
  /// One model call. `of_history`: the request is the history as the budget counts it, so its
  /// reported size calibrates the budget (not so for a summary request).
  Result<llm::Completion> send(const llm::CompletionRequest& request, bool of_history);
  /// Appends to the history the model sees, keeping the budget in step.
  void append(Message message);
  /// Before a request: prunes, then summarises, until the estimate fits the window.
  Result<void> make_room();
  /// Summarises the history and goes on from the summary and the last turns.
  Result<void> compact(std::int64_t tokens_before);
  Result<llm::Completion> summarise();
  /// After a provider's context error: lowers the window, compacts once.
  Result<void> recover(const Error& overflow);
  void note_compaction(const std::string& how, std::int64_t before);
  Result<RunResult> compact_only();
  /// The writing calls of a turn that succeeded so far, for the edit check.
  struct TurnEdits {
    std::vector<ToolCall> calls;
    std::filesystem::file_time_type since = std::filesystem::file_time_type::clock::now();
  };
  Result<std::vector<ToolResult>> run_tools(const std::vector<ToolCall>& calls);
  /// `edits` is given for the turn's last writing call when the agent checks after edits: its
  /// result gets the check of every edit of the turn.
  Result<ToolResult> run_one(const ToolCall& call, TurnEdits* edits = nullptr);
  void check_edits(const ToolCall& call, ToolResult& result, TurnEdits& edits);
  Result<ToolResult> run_task(const ToolCall& call);
  /// The skills part of prepare(): the prompt's section, the `skill` tool, the folders loaded
  /// before a resume.
  void prepare_skills();
  ToolResult run_skill(const ToolCall& call);
  /// Lets the session's reading tools read `folder` (a loaded or preloaded skill's).
  void open_skill_folder(const std::filesystem::path& folder);
  bool offered(std::string_view tool) const;
  void record(std::vector<Message> messages, const Usage& usage);
  /// Logs a change journal failure: the call goes on without a record for undo.
  void keep(const Result<void>& journaled);
  void finish(StopReason reason, const std::string& text);
  std::optional<double> session_cost() const;
  HookScope hook_scope() const { return {origin_, request_.cwd, &agent_, &e_.events_, stop_}; }
  /// SessionStart and UserPromptSubmit of a top-level run: the prompt with what they add, or
  /// blocked_ set.
  std::string submitted_prompt();

  Engine& e_;
  const agents::AgentDefinition& agent_;
  ModelBinding binding_;
  Frame frame_;
  const RunRequest& request_;
  std::stop_token stop_;
  RepeatGuard guard_;

  Origin origin_;
  std::string system_;
  std::vector<ToolSchema> schemas_;
  std::vector<const agents::SkillDefinition*> skills_;  ///< loadable with the `skill` tool
  std::vector<std::filesystem::path> skill_folders_;    ///< loaded ones: readable (mutex_)
  std::optional<ToolSearch> search_;
  std::vector<Message> history_;
  std::optional<ContextBudget> budget_;
  std::size_t fixed_chars_ = 0;      ///< the system prompt and tool schemas
  std::vector<Message> unrecorded_;  ///< messages of the turn in progress
  Usage own_usage_;
  std::mutex mutex_;  ///< guards result_ against parallel subagents
  RunResult result_;
  bool children_priced_ = true;
  double children_cost_ = 0;
  Clock::time_point started_ = Clock::now();
  std::optional<Error> blocked_;       ///< a UserPromptSubmit hook refused the prompt
  std::optional<std::string> halted_;  ///< a hook said `continue: false` (guarded by mutex_)
  bool stop_hook_active_ = false;      ///< the agent goes on because a Stop hook said so
};

std::string Engine::Session::submitted_prompt() {
  if (e_.hooks_ == nullptr || frame_.depth > 0) return request_.task;
  std::string context = e_.hooks_->session_start(hook_scope(), !request_.resume_session.empty());
  auto submitted = e_.hooks_->user_prompt_submit(hook_scope(), request_.task);
  if (submitted.blocked || submitted.halt) {
    blocked_ = Error(ErrorCode::kPermission,
                     fmt::format("a UserPromptSubmit hook blocked the prompt: {}",
                                 submitted.blocked ? submitted.text : *submitted.halt),
                     origin_.session_id, "the prompt was not sent; change it or the hook");
    return {};
  }
  std::string prompt = request_.task;
  for (const auto* extra : {&context, &submitted.context})
    if (!extra->empty()) prompt += fmt::format("\n\n<hook-context>\n{}\n</hook-context>", *extra);
  return prompt;
}

Result<void> Engine::Session::prepare() {
  origin_ = {{}, agent_.name, frame_.depth};
  if (!request_.resume_session.empty() && e_.sessions_ != nullptr) {
    auto past = e_.sessions_->load(request_.resume_session);
    if (!past) return tl::make_unexpected(past.error());
    history_ = std::move(*past);
    origin_.session_id = request_.resume_session;
  } else if (e_.sessions_ != nullptr) {
    SessionInfo info{{},
                     frame_.parent.session_id,
                     frame_.parent_call_id,
                     agent_.name,
                     binding_.label,
                     request_.cwd.string(),
                     title_of(request_.task)};
    auto id = e_.sessions_->create(info);
    if (!id) return tl::make_unexpected(id.error());
    origin_.session_id = *id;
  } else {
    origin_.session_id =
        request_.resume_session.empty() ? local_session_id() : request_.resume_session;
  }
  result_.session_id = origin_.session_id;
  result_.agent = agent_.name;

  auto opening = e_.opening_for(agent_, request_.cwd, frame_.depth);
  if (!opening) return tl::make_unexpected(opening.error());
  system_ = opening->system.text();
  schemas_ = std::move(opening->tools);
  prepare_skills();
  search_ = ToolSearch::plan(schemas_, e_.limits_.tool_search);
  if (search_) {
    search_->replay(history_);
    auto notice = e_.prompts_.tool_search_notice(search_->deferred_count(), search_->servers());
    if (!notice) return tl::make_unexpected(notice.error());
    system_.append("\n\n").append(*notice);
  }
  auto limits = binding_.provider->context_limits(binding_.model, stop_);
  if (!limits) return tl::make_unexpected(limits.error());
  budget_.emplace(*limits);
  fixed_chars_ = system_.size() + ContextBudget::chars_of(request_tools());
  budget_->reset(fixed_chars_ + ContextBudget::chars_of(history_));
  if (request_.compact_only) return {};
  std::string prompt = submitted_prompt();
  if (blocked_) return {};
  Message user = Message::user(std::move(prompt));
  append(user);
  unrecorded_.push_back(std::move(user));
  return {};
}

void Engine::Session::prepare_skills() {
  if (e_.skills_ == nullptr) return;
  skills_ = loadable_skills(*e_.skills_, agent_);
  std::vector<std::string> missing;
  auto preloaded = preloaded_skills(*e_.skills_, agent_, missing);
  for (const auto& name : missing)
    e_.log_->warn("agent {}: no skill named '{}' to preload (`agentry skills list` shows them)",
                  agent_.name, name);
  // The section and the `skill` tool are in the opening (opening_for); the session keeps which
  // skills it may load and opens the folders of those loaded before a resume, and preloaded.
  for (const auto& folder : loaded_skill_folders(skills_, history_))
    open_skill_folder(folder);
  for (const auto* skill : preloaded)
    open_skill_folder(skill->folder);
}

void Engine::Session::open_skill_folder(const std::filesystem::path& folder) {
  std::lock_guard lock(mutex_);
  if (std::find(skill_folders_.begin(), skill_folders_.end(), folder) == skill_folders_.end())
    skill_folders_.push_back(folder);
}

bool Engine::Session::offered(std::string_view tool) const {
  return std::any_of(schemas_.begin(), schemas_.end(),
                     [&](const ToolSchema& s) { return s.name == tool; });
}

ToolResult Engine::Session::run_skill(const ToolCall& call) {
  auto skill = skill_of_call(skills_, call.arguments);
  if (!skill) return ToolResult{call.id, call.name, skill.error(), true};
  open_skill_folder((*skill)->folder);
  return ToolResult{call.id, call.name, format_skill(**skill), false};
}

void Engine::Session::note_activations(const std::vector<ToolCall>& calls) {
  if (!search_) return;
  std::size_t added = search_->note_calls(calls);
  fixed_chars_ += added;
  budget_->add(added);
}

void Engine::Session::append(Message message) {
  budget_->add(ContextBudget::chars_of(message));
  history_.push_back(std::move(message));
}

std::optional<double> Engine::Session::session_cost() const {
  if (!binding_.price || !children_priced_) return std::nullopt;
  return cost_usd(own_usage_, *binding_.price) + children_cost_;
}

void Engine::Session::record(std::vector<Message> messages, const Usage& usage) {
  if (e_.sessions_ == nullptr) return;
  std::vector<Message> batch = std::move(unrecorded_);
  unrecorded_.clear();
  batch.insert(batch.end(), std::make_move_iterator(messages.begin()),
               std::make_move_iterator(messages.end()));
  std::optional<double> cost;
  if (binding_.price) cost = cost_usd(usage, *binding_.price);
  if (auto ok = e_.sessions_->append(origin_.session_id, batch, usage, cost); !ok) {
    e_.log_->error("session {}: cannot record turn: {}", origin_.session_id,
                   ok.error().to_string());
  }
}

void Engine::Session::keep(const Result<void>& journaled) {
  if (!journaled)
    e_.log_->warn("session {}: this change cannot be undone: {}", origin_.session_id,
                  journaled.error().to_string());
}

void Engine::Session::finish(StopReason reason, const std::string& text) {
  result_.reason = reason;
  result_.result = text;
  result_.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
  {
    std::lock_guard lock(mutex_);
    result_.usage += own_usage_;
  }
  result_.cost_usd = session_cost();
  if (e_.sessions_ != nullptr) {
    if (!unrecorded_.empty()) record({}, Usage{});
    auto ok = e_.sessions_->finish(origin_.session_id, to_string(reason), text);
    if (!ok) e_.log_->error("session {}: {}", origin_.session_id, ok.error().to_string());
  }
  e_.events_.on_event(Done{origin_, reason, text});
}

Result<llm::Completion> Engine::Session::send(const llm::CompletionRequest& request,
                                              bool of_history) {
  auto sink = [this, of_history](const llm::StreamEvent& event) {
    if (!of_history) return;
    if (const auto* delta = std::get_if<llm::TextDelta>(&event)) {
      e_.events_.on_event(TextDelta{origin_, delta->text});
    } else if (const auto* thinking = std::get_if<llm::ThinkingDelta>(&event)) {
      e_.events_.on_event(ThinkingDelta{origin_, thinking->text});
    }
  };
  auto completion = binding_.provider->complete(request, sink, stop_);
  if (!completion) return completion;
  const Usage& u = completion->usage;
  if (of_history) budget_->reported(u.input_tokens + u.cache_read_tokens + u.cache_write_tokens);
  own_usage_ += u;
  e_.events_.on_event(UsageUpdated{origin_, u, own_usage_, session_cost()});
  return completion;
}

std::optional<llm::Reasoning> Engine::Session::reasoning() const {
  if (frame_.depth == 0 && !request_.effort.empty())
    return llm::Reasoning{request_.effort, std::nullopt};
  if (!agent_.effort.empty() || agent_.thinking_budget)
    return llm::Reasoning{agent_.effort, agent_.thinking_budget};
  return std::nullopt;
}

Result<llm::Completion> Engine::Session::model_turn(bool with_tools) {
  e_.events_.on_event(TurnStarted{origin_, result_.num_turns + 1});
  for (bool retried = false;; retried = true) {
    if (auto ok = make_room(); !ok) return tl::make_unexpected(ok.error());
    llm::CompletionRequest req;
    req.model = binding_.model;
    req.system = system_;
    req.messages = history_;
    if (with_tools) req.tools = request_tools();
    req.temperature = agent_.temperature;
    req.top_p = agent_.top_p;
    req.max_tokens = budget_->limits().output_budget;
    req.cache_key = origin_.session_id;
    req.reasoning = reasoning();
    auto completion = send(req, true);
    if (completion) {
      ++result_.num_turns;
      return completion;
    }
    if (completion.error().code != ErrorCode::kContextOverflow) return completion;
    if (retried) {
      Error error = completion.error();
      const auto& limits = budget_->limits();
      error.message = fmt::format(
          "{} refused the prompt as too long again, after compacting the session to about {} "
          "tokens for a window of {} tokens ({}): {}",
          binding_.label, budget_->next(), limits.window, limits.source, error.message);
      error.hint = fmt::format(
          "set providers.{}.context_window to the model's real window (and max_tokens to its "
          "output limit) in the config",
          binding_.provider->name());
      return tl::make_unexpected(std::move(error));
    }
    if (auto ok = recover(completion.error()); !ok) return tl::make_unexpected(ok.error());
  }
}

Result<void> Engine::Session::recover(const Error& overflow) {
  std::int64_t before = budget_->next();
  // The server's own count of this prompt is the best calibration there is.
  if (overflow.overflow.prompt > 0) budget_->reported(overflow.overflow.prompt);
  int window = overflow.overflow.limit > 0
                   ? overflow.overflow.limit
                   : static_cast<int>(static_cast<double>(std::max(before, budget_->next())) * 0.9);
  auto limits = binding_.provider->lower_context_window(binding_.model, window);
  e_.log_->warn(
      "session {}: {} refused the prompt as too long ({}); the window of {} is now {} "
      "tokens, compacting",
      origin_.session_id, binding_.label, overflow.message, binding_.model, limits.window);
  budget_->set_limits(limits);
  return compact(budget_->next());
}

Result<void> Engine::Session::make_room() {
  std::int64_t before = budget_->next();
  if (before <= budget_->limit()) return {};
  // Prune well below the line, so that the pruned prefix stays the same (and cached) for the
  // next several turns rather than moving every turn.
  auto target = static_cast<std::int64_t>(static_cast<double>(budget_->limit()) * 0.55);
  int pruned = prune_tool_results(history_, kKeepTurns, *budget_, target);
  // Turns too large to keep several whole: only the newest turn's results (which the model has
  // not read yet) are kept, rather than summarising every turn.
  if (budget_->next() > budget_->limit())
    pruned += prune_tool_results(history_, 1, *budget_, target);
  if (pruned > 0 && budget_->next() <= budget_->limit()) {
    note_compaction("pruned", before);
    return {};
  }
  return compact(before);
}

Result<llm::Completion> Engine::Session::summarise() {
  auto prompt = e_.prompts_.compaction_prompt();
  if (!prompt) return tl::make_unexpected(prompt.error());
  std::vector<Message> transcript = history_;
  auto prompt_tokens = budget_->tokens_for(prompt->size() + system_.size());
  // The summary call offers no tools; a transcript too long for it loses its older half (a few
  // times at most) rather than the summary failing.
  for (int attempt = 0;; ++attempt) {
    bool fits = prompt_tokens + budget_->tokens_for(ContextBudget::chars_of(transcript)) <=
                budget_->limit();
    if (!fits && attempt < 4) {
      transcript = newer_half(transcript);
      continue;
    }
    llm::CompletionRequest req;
    req.model = binding_.model;
    req.system = system_;
    req.messages = transcript;
    req.messages.push_back(Message::user(*prompt));
    req.max_tokens = budget_->limits().output_budget;
    req.cache_key = origin_.session_id;
    auto completion = send(req, false);
    if (completion) {
      if (completion->message.text.empty())
        return fail(ErrorCode::kParse, "the model's summary of the session was empty",
                    binding_.label, "try again, or start a new session");
      return completion;
    }
    if (completion.error().code != ErrorCode::kContextOverflow || attempt >= 4 ||
        transcript.size() < 2)
      return tl::make_unexpected(completion.error());
    transcript = newer_half(transcript);
  }
}

Result<void> Engine::Session::compact(std::int64_t tokens_before) {
  auto summary = summarise();
  if (!summary) return tl::make_unexpected(summary.error());
  record({}, summary->usage);  // the summary's cost belongs to the session
  // The last turns kept verbatim: up to 30% of the window, and never more than a quarter of
  // the session (a /compact of a session far below its window must still shrink it).
  auto room = std::min(static_cast<std::int64_t>(static_cast<double>(budget_->limit()) * 0.3),
                       tokens_before / 4);
  auto start = tail_start(history_, *budget_, room);
  std::vector<Message> tail(
      std::make_move_iterator(history_.begin() + static_cast<std::ptrdiff_t>(start)),
      std::make_move_iterator(history_.end()));
  history_ = compacted_view(summary->message.text + (search_ ? search_->summary_note() : ""),
                            std::move(tail));
  budget_->reset(fixed_chars_ + ContextBudget::chars_of(history_));
  // The last turns alone may still be too large (one huge tool result): prune them as well.
  if (budget_->next() > budget_->limit())
    prune_tool_results(history_, 0, *budget_, budget_->limit());
  if (budget_->next() > budget_->limit())
    return fail(ErrorCode::kContextOverflow,
                fmt::format("even compacted, the session needs about {} tokens, more than the {} "
                            "the window of {} leaves for a prompt",
                            budget_->next(), budget_->limit(), binding_.label),
                origin_.session_id,
                fmt::format("set providers.{}.context_window to the model's real window, or "
                            "give the agent a smaller task",
                            binding_.provider->name()));
  note_compaction("summarised", tokens_before);
  return {};
}

void Engine::Session::note_compaction(const std::string& how, std::int64_t before) {
  std::int64_t after = budget_->next();
  if (e_.sessions_ != nullptr) {
    // What is not in the store yet goes first: the view replaces everything recorded so far.
    if (!unrecorded_.empty()) record({}, Usage{});
    auto ok = e_.sessions_->record_compaction(origin_.session_id,
                                              Compaction{how, before, after, history_});
    if (!ok)
      e_.log_->warn("session {}: cannot record the compaction: {}", origin_.session_id,
                    ok.error().to_string());
  }
  e_.events_.on_event(ContextCompacted{origin_, how, before, after});
}

Result<RunResult> Engine::Session::compact_only() {
  if (history_.empty())
    return fail(ErrorCode::kUsage, "nothing to compact: the session has no messages",
                origin_.session_id);
  if (auto ok = compact(budget_->next()); !ok) return tl::make_unexpected(ok.error());
  result_.usage = own_usage_;
  result_.cost_usd = session_cost();
  result_.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
  return result_;
}

Result<ToolResult> Engine::Session::run_task(const ToolCall& call) {
  auto parsed = parse_task_arguments(call.arguments);
  if (!parsed) return ToolResult{call.id, call.name, parsed.error(), true};
  RunRequest child;
  child.agent = parsed->subagent_type;
  child.task = parsed->prompt;
  child.resume_session = parsed->task_id;
  child.cwd = request_.cwd;
  const auto* target = e_.agents_.find(child.agent);
  if (target == nullptr || !is_delegation_target(*target, agent_)) {
    auto names = delegation_targets(e_.agents_, agent_);
    std::string list;
    for (const auto* a : names)
      list += (list.empty() ? "" : ", ") + a->name;
    return ToolResult{call.id, call.name,
                      fmt::format("unknown subagent_type '{}'; use one of: {}", child.agent, list),
                      true};
  }
  Frame frame{frame_.depth + 1, origin_, call.id, &binding_};
  auto outcome = e_.run_session(child, frame, stop_);
  if (!outcome) {
    if (outcome.error().code == ErrorCode::kCancelled) return tl::make_unexpected(outcome.error());
    return ToolResult{
        call.id, call.name,
        fmt::format("subagent {} failed: {}", child.agent, outcome.error().to_string()), true};
  }
  {
    std::lock_guard lock(mutex_);
    result_.usage += outcome->usage;
    if (outcome->cost_usd) {
      children_cost_ += *outcome->cost_usd;
    } else {
      children_priced_ = false;
    }
    result_.tool_calls.insert(result_.tool_calls.end(), outcome->tool_calls.begin(),
                              outcome->tool_calls.end());
  }
  return ToolResult{call.id, call.name, format_task_result(*outcome), false};
}

void Engine::Session::check_edits(const ToolCall& call, ToolResult& result, TurnEdits& edits) {
  if (!result.is_error) edits.calls.push_back(call);
  if (edits.calls.empty() || stop_.stop_requested()) return;
  std::string text;
  try {
    text = e_.edit_check_->after_edits(origin_.session_id, edits.calls,
                                       tools::ToolContext{request_.cwd, stop_}, edits.since);
  } catch (const std::exception& ex) {
    e_.log_->error("session {}: the check after the edits failed: {}", origin_.session_id,
                   ex.what());
  }
  result.content += text;
}

Result<ToolResult> Engine::Session::run_one(const ToolCall& requested, TurnEdits* edits) {
  auto start = Clock::now();
  e_.events_.on_event(ToolCallStarted{origin_, requested});
  ToolCall call = requested;
  PreToolVerdict verdict;
  Result<ToolResult> result = ToolResult{};
  // The one exception boundary of every call the engine runs (registry tools, `task`, any other
  // host's): what a tool throws becomes an error result the model reads; escaping a worker
  // jthread it would be std::terminate.
  try {
    if (e_.hooks_ != nullptr) {
      verdict = e_.hooks_->pre_tool_use(hook_scope(), call);
      if (verdict.arguments) call.arguments = std::move(*verdict.arguments);
    }
    if (verdict.refusal) {
      result = ToolResult{call.id, call.name, *verdict.refusal, true};
    } else if (search_ && call.name == kToolSearchToolName) {
      result = search_->run(call);
    } else if (call.name == kTaskToolName && offered(kTaskToolName)) {
      result = run_task(call);
    } else if (call.name == kSkillToolName && offered(kSkillToolName)) {
      result = run_skill(call);
    } else {
      tools::ToolContext context{request_.cwd, stop_};
      context.hook_permission = verdict.permission;
      context.on_progress = [this, &call](const tools::ToolProgress& p) {
        e_.events_.on_event(ToolCallProgress{origin_, call.id, p.progress, p.total, p.message});
      };
      {
        std::lock_guard lock(mutex_);
        context.read_roots = skill_folders_;
      }
      bool journaled = e_.changes_ != nullptr && e_.tools_.writes(call);
      if (journaled) keep(e_.changes_->before(origin_.session_id, call, request_.cwd));
      result = e_.tools_.execute(agent_, call, context);
      if (journaled) keep(e_.changes_->after(origin_.session_id, call));
    }
  } catch (...) {
    result = ToolResult{call.id, call.name,
                        tools::tool_threw_message(call.name, std::current_exception()), true};
    e_.log_->error("session {}: {}", origin_.session_id, result->content);
  }
  if (!result) return result;
  result->call_id = call.id;
  result->name = call.name;
  if (e_.hooks_ != nullptr && !verdict.refusal && !result->is_error && !stop_.stop_requested()) {
    auto after = e_.hooks_->post_tool_use(hook_scope(), call, *result);
    for (const auto* text : {&verdict.context, &after.text, &after.context})
      if (!text->empty())
        result->content += fmt::format("\n\n<hook-feedback>\n{}\n</hook-feedback>", *text);
    if (!verdict.halt) verdict.halt = after.halt;
  }
  if (verdict.halt) {
    std::lock_guard lock(mutex_);
    halted_ = verdict.halt;
  }
  if (edits != nullptr) check_edits(call, *result, *edits);
  auto duration = ms_since(start);
  e_.events_.on_event(ToolCallFinished{origin_, call, *result, duration});
  std::lock_guard lock(mutex_);
  result_.tool_calls.push_back({origin_.session_id, agent_.name, call, *result, duration});
  return result;
}

Result<std::vector<ToolResult>> Engine::Session::run_tools(const std::vector<ToolCall>& calls) {
  std::vector<Result<ToolResult>> results(calls.size(), ToolResult{});
  std::vector<std::size_t> to_run;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    switch (guard_.check(calls[i])) {
      case RepeatGuard::Verdict::kRun:
        to_run.push_back(i);
        break;
      case RepeatGuard::Verdict::kRefuse:
        results[i] = ToolResult{calls[i].id, calls[i].name,
                                fmt::format("refused: this is the {}th identical call to {} in a "
                                            "row and would give the same result; change your "
                                            "approach or give your answer",
                                            e_.limits_.repeat_limit, calls[i].name),
                                true};
        break;
      case RepeatGuard::Verdict::kStop:
        return fail(ErrorCode::kLimit, "the model keeps repeating an identical tool call",
                    fmt::format("{} in session {}", calls[i].name, origin_.session_id));
    }
  }
  // Calls that only read run side by side; a call that writes runs alone, after everything the
  // model asked for before it and before everything after it, so that two edits of one file (or
  // an edit and the check that follows it) see each other in the order the model gave them.
  auto writes = [&](std::size_t i) {
    return calls[i].name != kTaskToolName && !(search_ && calls[i].name == kToolSearchToolName) &&
           e_.tools_.writes(calls[i]);
  };
  // Diagnostics after every edit: the turn's last writing call gets the check of them all.
  TurnEdits edits;
  std::size_t last_write = calls.size();
  if (e_.edit_check_ != nullptr && agent_.check_after_edit.value_or(e_.limits_.check_after_edit)) {
    for (auto i : to_run)
      if (writes(i)) last_write = i;
  }
  std::vector<std::size_t> group;
  auto run_group = [&] {
    if (group.size() == 1) {
      auto i = group[0];
      results[i] = run_one(calls[i], i == last_write ? &edits : nullptr);
      if (last_write < calls.size() && i != last_write && writes(i) && results[i] &&
          !results[i]->is_error)
        edits.calls.push_back(calls[i]);
    } else if (!group.empty()) {
      std::vector<std::jthread> workers;
      workers.reserve(group.size());
      for (auto i : group)
        workers.emplace_back([&, i] { results[i] = run_one(calls[i]); });
    }
    group.clear();
  };
  bool skipped = false;
  for (auto i : to_run) {
    if (stop_.stop_requested()) {
      skipped = true;
      break;
    }
    bool writing = writes(i);
    if (writing) run_group();
    group.push_back(i);
    if (writing) run_group();
  }
  run_group();
  if (skipped) return fail(ErrorCode::kCancelled, "cancelled", agent_.name);
  std::vector<ToolResult> out;
  out.reserve(calls.size());
  for (auto& r : results) {
    if (!r) return tl::make_unexpected(r.error());
    out.push_back(std::move(*r));
  }
  return out;
}

Result<RunResult> Engine::Session::run() {
  if (auto ok = prepare(); !ok) return tl::make_unexpected(ok.error());
  if (request_.compact_only) return compact_only();
  if (frame_.depth > 0) {
    e_.events_.on_event(
        SubagentStarted{frame_.parent, origin_.session_id, agent_.name, title_of(request_.task)});
  }
  int max_steps = request_.max_steps.value_or(agent_.max_steps.value_or(e_.limits_.max_steps));
  auto fail_with = [&](const Error& error) -> Result<RunResult> {
    e_.events_.on_event(ErrorOccurred{origin_, error});
    finish(error.code == ErrorCode::kCancelled ? StopReason::kCancelled : StopReason::kError,
           error.to_string());
    if (frame_.depth > 0)
      e_.events_.on_event(SubagentFinished{frame_.parent, origin_.session_id, agent_.name, false});
    return tl::make_unexpected(error);
  };
  if (blocked_) return fail_with(*blocked_);
  auto done = [&](StopReason reason, const std::string& text) -> Result<RunResult> {
    finish(reason, text);
    if (frame_.depth > 0)
      e_.events_.on_event(SubagentFinished{frame_.parent, origin_.session_id, agent_.name, true});
    return result_;
  };

  for (int step = 1;; ++step) {
    if (stop_.stop_requested()) return fail_with(Error(ErrorCode::kCancelled, "cancelled"));
    bool last_step = step > max_steps;
    if (last_step) {
      auto notice = e_.prompts_.max_steps_notice();
      if (!notice) return fail_with(notice.error());
      Message m = Message::user(*notice);
      append(m);
      unrecorded_.push_back(std::move(m));
    }
    auto completion = model_turn(!last_step);
    if (!completion) return fail_with(completion.error());
    Message reply = completion->message;
    reply.role = Role::kAssistant;
    append(reply);
    if (reply.tool_calls.empty() || last_step) {
      if (!last_step && e_.hooks_ != nullptr && !halted_) {
        auto stopping = e_.hooks_->stop(hook_scope(), stop_hook_active_, reply.text);
        if (stopping.blocked && !stopping.halt && !stop_.stop_requested()) {
          // The hook wants more work: its reason is the next user message.
          stop_hook_active_ = true;
          Message more = Message::user(stopping.text);
          append(more);
          record({reply, more}, completion->usage);
          continue;
        }
      }
      record({reply}, completion->usage);
      return done(last_step ? StopReason::kMaxSteps : StopReason::kCompleted, reply.text);
    }
    auto results = run_tools(reply.tool_calls);
    if (!results) {
      // Keep the transcript valid for a later --continue: every call gets an answer.
      std::vector<ToolResult> stopped;
      for (const auto& call : reply.tool_calls)
        stopped.push_back({call.id, call.name, "not run: " + results.error().message, true});
      Message tool_msg = Message::tool(std::move(stopped));
      append(tool_msg);
      record({reply, tool_msg}, completion->usage);
      if (results.error().code == ErrorCode::kLimit) {
        finish(StopReason::kLoopDetected, results.error().to_string());
        return result_;
      }
      return fail_with(results.error());
    }
    note_activations(reply.tool_calls);
    note_unchanged_repeats(history_, reply.tool_calls, *results, [this](const ToolCall& call) {
      return call.name != kTaskToolName && !e_.tools_.writes(call);
    });
    Message tool_msg = Message::tool(std::move(*results));
    append(tool_msg);
    record({reply, tool_msg}, completion->usage);
    if (halted_) return done(StopReason::kCompleted, *halted_);
  }
}

Engine::Engine(AgentCatalog& agents, ModelResolver& models, ToolHost& tools, SessionLog* sessions,
               PromptBuilder& prompts, EventSink& events, EngineLimits limits,
               std::shared_ptr<spdlog::logger> log)
    : agents_(agents),
      models_(models),
      tools_(tools),
      sessions_(sessions),
      prompts_(prompts),
      events_(events),
      limits_(std::move(limits)),
      log_(std::move(log)) {}

Result<const agents::AgentDefinition*> Engine::pick_agent(const std::string& name) const {
  if (!name.empty()) {
    if (const auto* agent = agents_.find(name); agent != nullptr && !agent->disabled) return agent;
    return fail(ErrorCode::kNotFound, fmt::format("no agent named '{}'", name), "--agent",
                "run `agentry agents list` to see the agents");
  }
  if (const auto* agent = agents_.find(limits_.default_agent);
      agent != nullptr && !agent->disabled && agent->mode != agents::AgentMode::kSubagent)
    return agent;
  for (const auto* agent : agents_.all()) {
    if (agent->mode == agents::AgentMode::kPrimary && !agent->disabled) return agent;
  }
  return fail(ErrorCode::kNotFound, "no primary agent to take the task", "agent registry",
              "name one with --agent, or add an agent with `mode: primary`");
}

Result<RunResult> Engine::run_session(const RunRequest& request, const Frame& frame,
                                      std::stop_token stop) {
  RunRequest resolved = request;
  std::string agent_name = request.agent;
  if (agent_name.empty() && !request.resume_session.empty() && sessions_ != nullptr) {
    auto info = sessions_->info(request.resume_session);
    if (!info) return tl::make_unexpected(info.error());
    agent_name = info->agent;
  }
  auto agent = pick_agent(agent_name);
  if (!agent) return tl::make_unexpected(agent.error());
  auto binding = bind_model(**agent, request, frame.inherited);
  if (!binding) return tl::make_unexpected(binding.error());
  Session session(*this, **agent, std::move(*binding), frame, resolved, std::move(stop));
  return session.run();
}

Result<ModelBinding> Engine::bind_model(const agents::AgentDefinition& agent,
                                        const RunRequest& request, const ModelBinding* inherited) {
  return models_.resolve(request.model.empty() ? agent.model : request.model, inherited);
}

Result<void> Engine::check(const RunRequest& request) {
  return pick_agent(request.agent)
      .and_then([&](const agents::AgentDefinition* agent) {
        return bind_model(*agent, request, nullptr);
      })
      .transform([](const ModelBinding&) {});
}

Result<Opening> Engine::opening_for(const agents::AgentDefinition& agent,
                                    const std::filesystem::path& cwd, int depth) {
  Opening out;
  out.agent = agent.name;
  auto system = prompts_.system_prompt_pieces(agent, cwd);
  if (!system) return tl::make_unexpected(system.error());
  out.system = std::move(*system);
  out.tools = tools_.schemas_for(agent);
  if (skills_ != nullptr) {
    auto loadable = loadable_skills(*skills_, agent);
    std::vector<std::string> missing;  // logged by the session that runs the agent
    auto preloaded = preloaded_skills(*skills_, agent, missing);
    if (auto section = skills_prompt_section(loadable, preloaded); !section.empty())
      out.system.pieces.push_back(
          {"skills", "the skills folders (`agentry skills list`)", std::move(section), {}});
    if (!loadable.empty()) out.tools.push_back(skill_tool_schema(loadable));
  }
  if (ToolAccess(agent).offers(kTaskToolName) && depth + 1 <= limits_.max_depth) {
    auto subagents = delegation_targets(agents_, agent);
    if (!subagents.empty()) {
      auto description = prompts_.task_description(subagents);
      if (!description) return tl::make_unexpected(description.error());
      out.tools.push_back(task_tool_schema(*description, subagents));
    }
  }
  return out;
}

Result<Opening> Engine::opening(const RunRequest& request) {
  auto agent = pick_agent(request.agent);
  if (!agent) return tl::make_unexpected(agent.error());
  auto out = opening_for(**agent, request.cwd, 0);
  if (!out) return out;
  // What the first request carries under tool search, as Session::prepare sends it: the notice
  // last in the system prompt, the deferred MCP tools left out.
  if (auto search = ToolSearch::plan(out->tools, limits_.tool_search)) {
    auto notice = prompts_.tool_search_notice(search->deferred_count(), search->servers());
    if (!notice) return tl::make_unexpected(notice.error());
    out->system.pieces.push_back({"tool_search",
                                  fmt::format("{} MCP tools left out until tool_search finds them",
                                              search->deferred_count()),
                                  std::move(*notice),
                                  {}});
    out->tools = search->offered();
  }
  return out;
}

Result<RunResult> Engine::run(const RunRequest& request, std::stop_token stop) {
  return run_session(request, Frame{}, std::move(stop));
}

}  // namespace agentry::engine
