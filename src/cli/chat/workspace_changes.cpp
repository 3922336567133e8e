#include "cli/chat/workspace_changes.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "tools/permissions.hpp"
#include "tools/text_diff.hpp"
#include "tools/tool_spec_loader.hpp"
#include "tools/workspace.hpp"

namespace agentry::cli::chat {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxSnapshotFiles = 5000;
constexpr std::uintmax_t kMaxSnapshotFileBytes = 1 << 20;

std::optional<std::string> read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

bool in_git_tree(const fs::path& root) {
  std::error_code ec;
  for (fs::path dir = root; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec)) return true;
    if (dir == dir.parent_path()) break;
  }
  return false;
}

bool source_file(const fs::path& p) {
  auto name = p.filename().string();
  return p.extension() == ".rs" || name == "Cargo.toml" || name == "Cargo.lock";
}

}  // namespace

WorkspaceChanges::WorkspaceChanges(fs::path root, fs::path tools_dir, tools::ProcessRunner& runner,
                                   Environment env)
    : root_(std::move(root)),
      tools_dir_(std::move(tools_dir)),
      runner_(runner),
      env_(std::move(env)) {
  git_ = in_git_tree(root_) && tools::find_program("git", env_).has_value();
}

void WorkspaceChanges::before_tool(const ToolCall& call) {
  if (git_) return;
  std::lock_guard lock(mutex_);
  if (!specs_) {
    auto loaded = tools::load_tool_specs(tools_dir_);
    specs_ = loaded ? std::move(*loaded) : std::vector<tools::ToolSpec>{};
  }
  const tools::ToolSpec* spec = nullptr;
  for (const auto& s : *specs_) {
    if (s.schema.name == call.name) spec = &s;
  }
  if (spec == nullptr || !call.arguments.is_object() || !tools::call_writes(*spec, call.arguments))
    return;
  auto path = call.arguments.find("path");
  if (path != call.arguments.end() && path->is_string()) {
    auto ws = tools::Workspace::open(root_);
    if (!ws) return;
    if (auto resolved = ws->resolve(path->get<std::string>())) snapshot(*resolved);
    return;
  }
  snapshot_sources();
}

void WorkspaceChanges::snapshot(const fs::path& file) {
  if (before_.count(file) || before_.size() >= kMaxSnapshotFiles) return;
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    before_[file] = std::nullopt;
    return;
  }
  if (!fs::is_regular_file(file, ec) || fs::file_size(file, ec) > kMaxSnapshotFileBytes) return;
  before_[file] = read_text(file);
}

void WorkspaceChanges::snapshot_sources() {
  if (sources_taken_) return;
  sources_taken_ = true;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    auto name = it->path().filename().string();
    if (it->is_directory(ec) && (name == "target" || name.starts_with('.'))) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && source_file(it->path())) snapshot(it->path());
  }
}

std::vector<std::string> WorkspaceChanges::snapshotted() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [file, _] : before_)
    out.push_back(fs::relative(file, root_).string());
  return out;
}

std::string WorkspaceChanges::snapshot_diff() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [file, before] : before_) {
    auto now = read_text(file);
    if (now == before) continue;
    out += tools::unified_diff(before.value_or(""), now.value_or(""),
                               fs::relative(file, root_).string());
  }
  return out;
}

std::string WorkspaceChanges::git_diff(std::stop_token stop) {
  auto git = [&](std::vector<std::string> args) -> tools::ProcessResult {
    tools::ProcessRequest request;
    request.argv = {"git", "--no-pager"};
    request.argv.insert(request.argv.end(), args.begin(), args.end());
    request.cwd = root_;
    request.environment = tools::child_environment(env_);
    request.timeout = std::chrono::seconds(30);
    auto result = runner_.run(request, stop);
    if (!result) {
      tools::ProcessResult failed;
      failed.err.text = result.error().to_string();
      return failed;
    }
    return std::move(*result);
  };
  auto diff = git({"diff", "--no-color", "--no-ext-diff", "--relative", "HEAD", "--", "."});
  if (!diff.succeeded()) {
    // A repository without commits has no HEAD: compare with the index instead.
    diff = git({"diff", "--no-color", "--no-ext-diff", "--relative", "--", "."});
    if (!diff.succeeded()) return fmt::format("git diff failed: {}", diff.err.text);
  }
  std::string out = diff.out.text;
  auto untracked = git({"ls-files", "--others", "--exclude-standard", "--", "."});
  if (untracked.succeeded()) {
    std::istringstream names(untracked.out.text);
    for (std::string name; std::getline(names, name);) {
      if (name.empty()) continue;
      std::error_code ec;
      auto size = fs::file_size(root_ / name, ec);
      if (ec || size > kMaxSnapshotFileBytes) {
        out += fmt::format("new file: {}\n", name);
        continue;
      }
      out += tools::unified_diff("", read_text(root_ / name).value_or(""), name);
    }
  }
  return out;
}

std::string WorkspaceChanges::diff(std::stop_token stop) {
  return git_ ? git_diff(std::move(stop)) : snapshot_diff();
}

}  // namespace agentry::cli::chat
