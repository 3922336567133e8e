#include "engine/prompt_builder.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agents/tool_names.hpp"
#include "core/json_depth.hpp"
#include "core/text.hpp"
#include "engine/tool_access.hpp"

namespace agentry::engine {

namespace fs = std::filesystem;

namespace {

/// The agent is offered a toolchain tool: the prompt then tells it about the toolchain and crate.
bool uses_cargo(const agents::AgentDefinition& agent) {
  ToolAccess access(agent);
  return std::any_of(agents::kToolchainTools.begin(), agents::kToolchainTools.end(),
                     [&](std::string_view tool) { return access.offers(tool); });
}

std::string first_line(const std::string& s) {
  auto end = s.find('\n');
  return s.substr(0, end);
}

/// "name (edition 2021)" or "workspace: a, b" from `cargo metadata --no-deps` JSON.
std::string summarise_metadata(const std::string& json_text) {
  if (json_too_deep(json_text)) return {};
  auto meta = nlohmann::json::parse(json_text, nullptr, false);
  if (meta.is_discarded() || !meta.contains("packages")) return {};
  std::vector<std::string> parts;
  for (const auto& pkg : meta["packages"]) {
    parts.push_back(fmt::format("{} {} (edition {})", pkg.value("name", "?"),
                                pkg.value("version", "?"), pkg.value("edition", "?")));
  }
  std::string out = parts.size() > 1 ? "workspace members: " : "crate: ";
  for (std::size_t i = 0; i < parts.size(); ++i)
    out += (i ? ", " : "") + parts[i];
  if (meta.contains("workspace_root"))
    out += fmt::format("\nworkspace root: {}", meta["workspace_root"].get<std::string>());
  return out;
}

}  // namespace

std::string fill_template(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    auto key = std::string(text.substr(open + 2, close - open - 2));
    if (auto it = values.find(key); it != values.end()) {
      out += it->second;
    } else {
      out.append(text.substr(open, close + 2 - open));
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

std::string git_branch(const fs::path& cwd) {
  std::error_code ec;
  for (fs::path dir = fs::absolute(cwd, ec); !dir.empty(); dir = dir.parent_path()) {
    fs::path git = dir / ".git";
    if (fs::is_regular_file(git, ec)) {  // a worktree: "gitdir: <path>"
      std::ifstream in(git);
      std::string line;
      std::getline(in, line);
      if (line.starts_with("gitdir: ")) git = fs::path(line.substr(8));
    }
    if (fs::is_directory(git, ec)) {
      std::ifstream head(git / "HEAD");
      std::string line;
      std::getline(head, line);
      if (line.starts_with("ref: refs/heads/")) return line.substr(16);
      return line.empty() ? std::string("(unknown)") : "detached at " + line.substr(0, 12);
    }
    if (dir == dir.parent_path()) break;
  }
  return {};
}

std::string SystemPrompt::text() const {
  std::string out;
  for (const auto& piece : pieces) {
    if (piece.text.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += piece.text;
  }
  return out;
}

PromptBuilder::PromptBuilder(fs::path prompts_dir, CommandProbe probe, PromptOptions options)
    : dir_(std::move(prompts_dir)), probe_(std::move(probe)), options_(std::move(options)) {}

Result<std::string> PromptBuilder::load(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = templates_.find(name); it != templates_.end()) return it->second;
  }
  fs::path path = dir_ / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kConfig, "cannot read prompt template", path.string(),
                "reinstall agentry or set AGENTRY_DATA_DIR to the folder holding prompts/");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::lock_guard lock(mutex_);
  return templates_.emplace(name, ss.str()).first->second;
}

std::string PromptBuilder::toolchain_and_crate(const fs::path& cwd) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = rust_facts_.find(cwd); it != rust_facts_.end()) return it->second;
  }
  std::string facts;
  if (auto v = probe_({"rustc", "--version"}, cwd)) facts += "toolchain: " + first_line(*v);
  if (auto v = probe_({"cargo", "--version"}, cwd)) facts += ", " + first_line(*v);
  if (auto meta =
          probe_({"cargo", "metadata", "--no-deps", "--offline", "--format-version", "1"}, cwd)) {
    if (auto summary = summarise_metadata(*meta); !summary.empty()) facts += "\n" + summary;
  } else {
    facts += "\nno Cargo.toml found from the working directory";
  }
  std::lock_guard lock(mutex_);
  rust_facts_[cwd] = facts;
  return facts;
}

const PromptBuilder::Surroundings& PromptBuilder::surroundings(const fs::path& cwd) {
  std::lock_guard lock(mutex_);
  if (auto it = surroundings_.find(cwd); it != surroundings_.end()) return it->second;
  std::string branch = git_branch(cwd);
  Surroundings around{
      fmt::format("{:%Y-%m-%d}", fmt::localtime(std::chrono::system_clock::to_time_t(
                                     std::chrono::system_clock::now()))),
      branch.empty() ? "not a git repository" : "git branch: " + branch};
  return surroundings_.emplace(cwd, std::move(around)).first->second;
}

const Instructions& PromptBuilder::instructions(const fs::path& cwd) {
  std::lock_guard lock(mutex_);
  if (auto it = instructions_.find(cwd); it != instructions_.end()) return it->second;
  Instructions read = load_instructions(cwd, options_.instructions);
  if (options_.log)
    for (const auto& warning : read.warnings)
      options_.log->warn("{}", warning);
  return instructions_.emplace(cwd, std::move(read)).first->second;
}

Result<std::optional<PromptPiece>> PromptBuilder::instructions_piece(const fs::path& cwd) {
  const Instructions& read = instructions(cwd);
  if (read.files.empty()) return std::nullopt;
  auto frame = load("instructions.md");
  if (!frame) return tl::make_unexpected(frame.error());
  PromptPiece piece{"instructions", (dir_ / "instructions.md").string(), {}, {}};
  std::string files;
  for (const auto& file : read.files) {
    std::string detail = file.imported_by.empty() ? "" : "imported by " + file.imported_by;
    std::string block =
        fmt::format("## {}{}\n\n", file.shown, detail.empty() ? "" : fmt::format(" ({})", detail));
    block += file.text;
    while (!block.empty() && (block.back() == '\n' || block.back() == ' '))
      block.pop_back();
    block += "\n\n";
    piece.parts.push_back({file.shown, file.path, std::move(detail), block.size()});
    files += block;
  }
  while (!files.empty() && files.back() == '\n')
    files.pop_back();
  piece.text = fill_template(*frame, {{"files", files}});
  return piece;
}

Result<SystemPrompt> PromptBuilder::system_prompt_pieces(const agents::AgentDefinition& agent,
                                                         const fs::path& cwd) {
  auto base = load("base.md");
  if (!base) return tl::make_unexpected(base.error());
  auto env = load("environment.md");
  if (!env) return tl::make_unexpected(env.error());
  const Surroundings& around = surroundings(cwd);
  std::map<std::string, std::string> values{
      {"cwd", cwd.string()},
      {"date", around.date},
      {"git", around.git},
      {"agent", agent.name},
      {"rust", uses_cargo(agent) ? toolchain_and_crate(cwd) : std::string()},
  };
  SystemPrompt out;
  out.pieces.push_back({"base", (dir_ / "base.md").string(), fill_template(*base, values), {}});
  out.pieces.push_back(
      {"environment", (dir_ / "environment.md").string(), fill_template(*env, values), {}});
  if (!agent.prompt.empty()) {
    std::string source = fmt::format("the agent {}", agent.name);
    if (!agent.source.empty()) source += fmt::format(" ({})", agent.source.string());
    out.pieces.push_back({"agent", std::move(source), agent.prompt, {}});
  }
  if (agent.instructions) {
    auto piece = instructions_piece(cwd);
    if (!piece) return tl::make_unexpected(piece.error());
    if (*piece) out.pieces.push_back(std::move(**piece));
    out.warnings = instructions(cwd).warnings;
  }
  for (const auto& section : sections_)
    if (auto piece = section(agent, cwd)) out.pieces.push_back(std::move(*piece));
  return out;
}

Result<std::string> PromptBuilder::system_prompt(const agents::AgentDefinition& agent,
                                                 const fs::path& cwd) {
  return system_prompt_pieces(agent, cwd).transform([](const SystemPrompt& p) { return p.text(); });
}

Result<std::string> PromptBuilder::task_description(
    const std::vector<const agents::AgentDefinition*>& subagents) {
  auto text = load("task.md");
  if (!text) return text;
  std::string list;
  for (const auto* agent : subagents) {
    list += fmt::format("- {}: {}\n", agent->name, first_line(agent->description));
  }
  return fill_template(*text, {{"agents", list}});
}

Result<std::string> PromptBuilder::max_steps_notice() {
  return load("max_steps.md");
}

Result<std::string> PromptBuilder::compaction_prompt() {
  return load("compact.md");
}

Result<std::string> PromptBuilder::tool_search_notice(std::size_t count,
                                                      const std::string& servers) {
  return load("tool_search.md").transform([&](const std::string& text) {
    return fill_template(trim(text), {{"count", std::to_string(count)}, {"servers", servers}});
  });
}

}  // namespace agentry::engine
