// `agentry models` and `agentry ping [PROVIDER]`: what model servers agentry knows, and whether
// one answers.
#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "llm/model_selection.hpp"
#include "llm/provider_config.hpp"

namespace agentry::cli {

namespace {

using nlohmann::json;

const llm::LlmConfig& load_providers(app::Services& services) {
  auto settings = services.settings();
  if (!settings) throw CommandError(settings.error());
  return (*settings)->llm;
}

std::vector<std::string> all_models(const llm::ProviderConfig& p) {
  std::vector<std::string> models{p.model};
  for (const auto& m : p.models) {
    if (std::find(models.begin(), models.end(), m) == models.end()) models.push_back(m);
  }
  return models;
}

/// model → {window, output_budget, source}: what is known without asking the server.
json context_json(const llm::ProviderConfig& p) {
  json out = json::object();
  for (const auto& m : all_models(p)) {
    auto limits = llm::static_context_limits(p.context, m);
    out[m] = {{"window", limits.window},
              {"output_budget", limits.output_budget},
              {"from", llm::to_string(limits.from)},
              {"source", limits.source}};
  }
  return out;
}

json providers_json(const llm::LlmConfig& config, const Environment& env) {
  json providers = json::array();
  for (const auto& p : config.providers) {
    providers.push_back(
        {{"name", p.name},
         {"kind", llm::to_string(p.kind)},
         {"base_url", p.base_url},
         {"model", p.model},
         {"models", all_models(p)},
         {"context_windows", context_json(p)},
         {"aliases", llm::provider_aliases(p)},
         {"api_key_env", p.api_key_env},
         {"api_key_set", !p.api_key_env.empty() && !env.get_or(p.api_key_env, "").empty()},
         {"default", p.name == config.default_provider},
         {"source", p.source}});
  }
  return {{"default_provider",
           config.default_provider.empty() ? json(nullptr) : json(config.default_provider)},
          {"providers", std::move(providers)}};
}

void print_models(const llm::LlmConfig& config, const Environment& env) {
  if (config.providers.empty()) {
    std::cout
        << "No model providers are configured.\n"
           "Set OPENAI_API_KEY (and OPENAI_BASE_URL for a local server) or ANTHROPIC_API_KEY,\n"
           "or add `providers:` to ~/.config/agentry/config.yaml or .agentry/config.yaml.\n";
    return;
  }
  for (const auto& p : config.providers) {
    bool is_default = p.name == config.default_provider;
    std::cout << fmt::format("{} {} ({}) {}{}\n", is_default ? "*" : " ", p.name,
                             llm::to_string(p.kind), p.base_url, is_default ? "  [default]" : "");
    for (const auto& m : all_models(p)) {
      auto limits = llm::static_context_limits(p.context, m);
      std::cout << fmt::format("    {}{}  [window {}, output {}: {}]\n", m,
                               m == p.model ? "  (default model)" : "", limits.window,
                               limits.output_budget, limits.source);
    }
    std::string aliases;
    for (const auto& [alias, model] : llm::provider_aliases(p)) {
      aliases += fmt::format("{}{}={}", aliases.empty() ? "" : ", ", alias, model);
    }
    std::cout << fmt::format("    aliases: {}\n", aliases);
    std::string key = p.api_key_env.empty()
                          ? "none sent"
                          : fmt::format("${} ({})", p.api_key_env,
                                        env.get_or(p.api_key_env, "").empty() ? "NOT SET" : "set");
    std::cout << fmt::format("    key: {}\n    from: {}\n", key, p.source);
  }
}

}  // namespace

void set_models_command(CLI::App& app, app::Services& services) {
  auto* cmd = app.add_subcommand("models", "List the configured model providers and their models");
  auto as_json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *as_json, "Print JSON instead of text");
  cmd->callback([&services, as_json] {
    const llm::LlmConfig& config = load_providers(services);
    const auto& env = services.context().env;
    if (*as_json) {
      std::cout << providers_json(config, env).dump(2) << '\n';
    } else {
      print_models(config, env);
    }
  });
}

void set_ping_command(CLI::App& app, app::Services& services) {
  auto* cmd =
      app.add_subcommand("ping", "Send one tiny request to a provider and report the latency");
  auto provider_name = std::make_shared<std::string>();
  auto model_spec = std::make_shared<std::string>();
  cmd->add_option("provider", *provider_name, "Provider name (default: the default provider)");
  cmd->add_option("--model", *model_spec, "PROVIDER/MODEL or MODEL (aliases: sonnet, opus, haiku)");
  cmd->callback([&services, provider_name, model_spec] {
    const llm::LlmConfig& config = load_providers(services);
    std::string spec = !model_spec->empty() ? *model_spec : *provider_name;
    if (!provider_name->empty() && config.find(*provider_name) == nullptr) {
      std::vector<std::string> names;
      for (const auto& p : config.providers)
        names.push_back(p.name);
      throw CommandError(
          Error(ErrorCode::kNotFound, fmt::format("no provider named '{}'", *provider_name), "",
                names.empty() ? "run `agentry models` to see how to configure one"
                              : fmt::format("known providers: {}", fmt::join(names, ", "))));
    }
    if (!provider_name->empty() && !model_spec->empty() &&
        model_spec->find('/') == std::string::npos) {
      spec = *provider_name + "/" + *model_spec;
    }
    auto selection = llm::select_model(config, spec);
    if (!selection) throw CommandError(selection.error());
    if (!provider_name->empty() && selection->provider != *provider_name) {
      throw CommandError(
          Error(ErrorCode::kUsage, fmt::format("--model {} names provider '{}', not '{}'",
                                               *model_spec, selection->provider, *provider_name)));
    }
    llm::ProviderConfig pc = *config.find(selection->provider);
    pc.retry.max_retries = 0;  // a ping reports the first failure exactly as it happened

    auto provider = services.provider(pc);
    if (!provider) throw CommandError(provider.error());

    llm::CompletionRequest request;
    request.model = selection->model;
    request.messages.push_back(Message::user("Reply with the single word: pong"));
    request.max_tokens = 16;
    request.stream = true;
    auto start = std::chrono::steady_clock::now();
    auto completion = (*provider)->complete(
        request, [](const llm::StreamEvent&) {}, std::stop_token{});
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (!completion) {
      Error error = completion.error();
      error.message = fmt::format("ping failed after {} ms: {}", elapsed.count(), error.message);
      throw CommandError(std::move(error));
    }
    std::string answer = completion->message.text.substr(0, 60);
    std::cout << fmt::format(
        "{} ({}) at {}: ok in {} ms; answered \"{}\"{}\n", pc.name, selection->model, pc.base_url,
        elapsed.count(), answer,
        completion->model.empty() ? "" : fmt::format(" as {}", completion->model));
  });
}

}  // namespace agentry::cli
