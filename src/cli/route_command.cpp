// `agentry route "TASK"`: which agent would take a task, and why. The router decides without a
// model when the evidence is clear; otherwise one completion request (no tools) to the default
// model picks a name from the list, and the answer is checked against the names.
#include <algorithm>
#include <cctype>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "core/terminal_text.hpp"
#include "core/text.hpp"
#include "engine/router.hpp"

namespace agentry::cli {

using nlohmann::json;

namespace {

constexpr const char* kModelReason = "chosen by the model";

struct RouteOptions {
  std::vector<std::string> task_words;
  std::string model;
  bool as_json = false;
};

/// The agent the model's answer names: the whole answer (quotes, backticks, a trailing period
/// and case ignored), else the one listed name the answer contains. Null when neither.
const agents::AgentDefinition* match_answer(
    const std::string& answer, const std::vector<const agents::AgentDefinition*>& pool) {
  std::string cleaned = ascii_lower(answer);
  auto junk = [](unsigned char c) {
    return std::isspace(c) || c == '`' || c == '"' || c == '\'' || c == '.' || c == '*' || c == '@';
  };
  while (!cleaned.empty() && junk(cleaned.back()))
    cleaned.pop_back();
  auto first = std::find_if_not(cleaned.begin(), cleaned.end(), junk);
  cleaned.erase(cleaned.begin(), first);
  for (const auto* agent : pool) {
    if (ascii_lower(agent->name) == cleaned) return agent;
  }
  auto boundary = [&](std::size_t at) {
    return at >= cleaned.size() ||
           (!std::isalnum(static_cast<unsigned char>(cleaned[at])) && cleaned[at] != '-');
  };
  const agents::AgentDefinition* found = nullptr;
  for (const auto* agent : pool) {
    auto name = ascii_lower(agent->name);
    auto pos = cleaned.find(name);
    if (pos == std::string::npos || (pos > 0 && !boundary(pos - 1)) || !boundary(pos + name.size()))
      continue;
    if (found != nullptr) return nullptr;  // two names: no answer
    found = agent;
  }
  return found;
}

std::string routing_prompt(const std::vector<const agents::AgentDefinition*>& pool,
                           const std::string& task) {
  std::string prompt = "Agents:\n";
  for (const auto* agent : pool)
    prompt += fmt::format("- {}: {}\n", agent->name, agent->description);
  prompt += fmt::format(
      "\nTask:\n{}\n\nWhich one agent should take this task? Answer with exactly one agent name "
      "from the list and nothing else.",
      task);
  return prompt;
}

struct ModelChoice {
  const agents::AgentDefinition* agent = nullptr;
  std::string model;  ///< provider/model that answered
};

ModelChoice ask_model(app::Services& services, const std::string& model_spec,
                      const std::vector<const agents::AgentDefinition*>& pool,
                      const std::string& task) {
  auto models = services.models();
  if (!models) throw CommandError(models.error());
  auto binding = (*models)->resolve(model_spec, nullptr);
  if (!binding) throw CommandError(binding.error());

  llm::CompletionRequest request;
  request.model = binding->model;
  request.system =
      "You route tasks to agents. You answer with one agent name from the given list, exactly "
      "as written there, and nothing else.";
  request.messages.push_back(Message::user(routing_prompt(pool, task)));
  InterruptWatcher interrupts;
  auto completion = binding->provider->complete(
      request, [](const llm::StreamEvent&) {}, interrupts.token());
  if (!completion) throw CommandError(completion.error());
  const auto* agent = match_answer(completion->message.text, pool);
  if (agent == nullptr) {
    throw CommandError(
        Error(ErrorCode::kParse,
              fmt::format("the model answered \"{}\", which names no agent",
                          completion->message.text.substr(0, 200)),
              binding->label,
              "pass --agent NAME to `agentry run`, or try a model that follows the list"));
  }
  return {agent, binding->label};
}

/// The specialists the default agent hands work to (every routable agent but the primary ones):
/// a primary agent's description lists what it delegates, so scoring it by words would make it
/// win every task it merely passes on. The model, when asked, chooses among all of them.
class SpecialistCatalog final : public engine::AgentCatalog {
 public:
  explicit SpecialistCatalog(const engine::AgentCatalog& all) : all_(all) {}
  const agents::AgentDefinition* find(const std::string& name) const override {
    const auto* agent = all_.find(name);
    return agent != nullptr && agent->mode != agents::AgentMode::kPrimary ? agent : nullptr;
  }
  std::vector<const agents::AgentDefinition*> all() const override {
    std::vector<const agents::AgentDefinition*> out;
    for (const auto* agent : all_.all()) {
      if (agent->mode != agents::AgentMode::kPrimary) out.push_back(agent);
    }
    return out;
  }

 private:
  const engine::AgentCatalog& all_;
};

json candidates_json(const engine::Route& route) {
  json out = json::array();
  for (const auto& c : route.candidates)
    out.push_back({{"agent", c.agent->name}, {"score", c.score}, {"matched", c.matched}});
  return out;
}

void route(app::Services& services, const RouteOptions& opts) {
  const auto& ctx = services.context();
  std::string task;
  for (const auto& w : opts.task_words)
    task += (task.empty() ? "" : " ") + w;
  if (task.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw CommandError(Error(ErrorCode::kUsage, "no task given", "agentry route",
                             "pass the task as arguments: agentry route \"fix the clippy lints\""));
  }
  auto loaded = services.catalog();
  if (!loaded) throw CommandError(loaded.error());
  const auto* catalog = *loaded;
  std::vector<const agents::AgentDefinition*> pool;
  for (const auto* agent : catalog->all()) {
    if (!agent->hidden) pool.push_back(agent);
  }
  if (pool.empty()) {
    throw CommandError(Error(ErrorCode::kConfig, "no agents are loaded", ctx.data_dir.string(),
                             "run `agentry agents list` to see the search path"));
  }
  auto decided = engine::route_task(SpecialistCatalog(*catalog), task, ctx.cwd);
  const agents::AgentDefinition* agent = decided.agent;
  std::string reason = decided.reason;
  std::string model;
  if (!decided.clear) {
    auto choice = ask_model(services, opts.model, pool, task);
    agent = choice.agent;
    model = choice.model;
    reason = kModelReason;
  }

  if (opts.as_json) {
    json out{{"agent", agent->name},
             {"reason", reason},
             {"clear", decided.clear},
             {"model", model.empty() ? json(nullptr) : json(model)},
             {"router_reason", decided.reason},
             {"candidates", candidates_json(decided)}};
    std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  // The reason may be the routing model's words.
  std::cout << fmt::format("agent:  {}\nreason: {}\n", terminal_safe_line(agent->name),
                           terminal_safe_line(reason));
  if (!decided.clear)
    std::cout << fmt::format("model:  {}\nrouter: {}\n", terminal_safe_line(model),
                             terminal_safe_line(decided.reason));
}

}  // namespace

void set_route_command(CLI::App& app, app::Services& services) {
  auto opts = std::make_shared<RouteOptions>();
  auto* cmd = app.add_subcommand(
      "route", "Show which agent would take a task and why (asks the model only when unclear)");
  cmd->add_option("task", opts->task_words, "The task")->required();
  cmd->add_option("--model,-m", opts->model, "Model to ask when the route is unclear");
  cmd->add_flag("--json", opts->as_json, "Print JSON instead of text");
  cmd->callback([&services, opts] { route(services, *opts); });
}

}  // namespace agentry::cli
