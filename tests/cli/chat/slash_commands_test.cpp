#include "cli/chat/slash_commands.hpp"

#include <algorithm>

#include <doctest/doctest.h>

#include "llm/provider_config.hpp"

namespace agentry::cli::chat {

TEST_CASE("parsing slash commands") {
  CHECK(parse_slash_command("/help") == SlashCommand{"help", ""});
  CHECK(parse_slash_command("  /agent   rust-pro  ") == SlashCommand{"agent", "rust-pro"});
  CHECK(parse_slash_command("/model openai/gpt-4o") == SlashCommand{"model", "openai/gpt-4o"});
  CHECK(parse_slash_command("/resume 01J") == SlashCommand{"resume", "01J"});
  CHECK(parse_slash_command("/nope x y") == SlashCommand{"nope", "x y"});
  CHECK_FALSE(parse_slash_command("hello /help"));
  CHECK_FALSE(parse_slash_command("/"));
  CHECK_FALSE(parse_slash_command("/etc/hosts looks odd"));
  CHECK_FALSE(parse_slash_command("/README.md"));
}

TEST_CASE("every command the issue names is in the table") {
  for (auto name : {"help", "agents", "agent", "model", "tools", "clear", "compact", "cost",
                    "sessions", "resume", "diff", "undo", "rewind", "last", "exit"}) {
    CAPTURE(name);
    CHECK(find_slash_command(name) != nullptr);
  }
  CHECK(find_slash_command("quit") == nullptr);
}

TEST_CASE("suggestions for mistyped commands") {
  CHECK(suggest_slash_commands("age") == std::vector<std::string>{"agents", "agent"});
  CHECK(suggest_slash_commands("hlep") == std::vector<std::string>{"help"});
  CHECK(suggest_slash_commands("dif") == std::vector<std::string>{"diff"});
  CHECK(suggest_slash_commands("xyzzy").empty());
}

TEST_CASE("completing command names") {
  CompletionSources sources;
  auto c = complete_input("/co", 3, sources);
  CHECK(c.start == 0);
  CHECK(c.end == 3);
  CHECK(c.candidates == std::vector<std::string>{"/compact", "/cost"});
  CHECK(term::common_prefix(c.candidates) == "/co");
  CHECK(complete_input("/ex", 3, sources).candidates == std::vector<std::string>{"/exit"});
  CHECK(complete_input("/", 1, sources).candidates.size() == slash_commands().size());
  CHECK(complete_input("say /ex", 7, sources).candidates.empty());
}

TEST_CASE("custom commands complete after the built-ins, and as /help's argument") {
  CompletionSources sources;
  sources.commands = {"fix-clippy", "frontend:component", "cost"};
  CHECK(parse_slash_command("/frontend:component Button") ==
        SlashCommand{"frontend:component", "Button"});
  CHECK(complete_input("/f", 2, sources).candidates ==
        std::vector<std::string>{"/fix-clippy", "/frontend:component"});
  // A custom command named like a built-in is offered once.
  CHECK(complete_input("/co", 3, sources).candidates ==
        std::vector<std::string>{"/compact", "/cost"});
  CHECK(complete_input("/help fi", 8, sources).candidates ==
        std::vector<std::string>{"fix-clippy"});
}

TEST_CASE("completing command arguments") {
  CompletionSources sources;
  sources.agents = {"orchestrator", "rust-pro", "rust-reviewer"};
  sources.models = {"gpt-4o", "gpt-4o-mini"};
  sources.sessions = {"01JABC", "01JABD"};
  auto agents = complete_input("/agent rust", 11, sources);
  CHECK(agents.start == 7);
  CHECK(agents.candidates == std::vector<std::string>{"rust-pro", "rust-reviewer"});
  CHECK(term::common_prefix(agents.candidates) == "rust-");
  CHECK(complete_input("/agent ", 7, sources).candidates.size() == 3);
  CHECK(complete_input("/model gpt-4o-", 14, sources).candidates ==
        std::vector<std::string>{"gpt-4o-mini"});
  CHECK(complete_input("/resume 01JABC", 14, sources).candidates ==
        std::vector<std::string>{"01JABC"});
  CHECK(complete_input("/help co", 8, sources).candidates ==
        std::vector<std::string>{"compact", "cost"});
  CHECK(complete_input("/agent rust-pro x", 17, sources).candidates.empty());
}

TEST_CASE("completing @paths anywhere in the message") {
  CompletionSources sources;
  sources.paths = [](std::string_view prefix) {
    std::vector<std::string> out;
    for (std::string p : {"src/", "src/lib.rs", "Cargo.toml"}) {
      if (p.starts_with(prefix)) out.push_back(p);
    }
    return out;
  };
  auto c = complete_input("explain @src/l please", 14, sources);
  CHECK(c.start == 8);
  CHECK(c.end == 14);
  CHECK(c.candidates == std::vector<std::string>{"@src/lib.rs"});
  CHECK(complete_input("@C", 2, sources).candidates == std::vector<std::string>{"@Cargo.toml"});
}

TEST_CASE("/model completes the user's configured aliases, bare and under their provider") {
  llm::LlmConfig config;
  llm::ProviderConfig local;
  local.name = "local";
  local.kind = llm::ProviderKind::kOpenAi;
  local.model = "qwen2.5-coder";
  local.models = {"llama3.1"};
  local.aliases = {{"fast", "llama3.1"}, {"sonnet", "qwen2.5-coder"}};
  config.providers.push_back(local);
  auto names = model_completions(&config);
  auto has = [&names](const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const char* name :
       {"default", "fast", "local/fast", "qwen2.5-coder", "local/qwen2.5-coder", "llama3.1",
        "local/llama3.1", "sonnet", "local/sonnet", "opus", "local/haiku"}) {
    CAPTURE(name);
    CHECK(has(name));
  }
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());

  // No config: the default and the built-in aliases, nothing empty.
  CHECK(model_completions(nullptr) ==
        std::vector<std::string>{"default", "haiku", "opus", "sonnet"});
}

}  // namespace agentry::cli::chat
