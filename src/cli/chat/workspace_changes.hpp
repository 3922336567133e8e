#pragma once
/// What the agent changed in the workspace, for /diff. In a git work tree that is `git diff`
/// (plus files git does not track yet), run through the process runner. Elsewhere the chat keeps
/// its own record: before a tool that writes runs, the files it may change are copied (the file
/// it names, or for whole-crate tools like rustfmt and clippy_fix every source file), and /diff
/// compares those copies with the files now.
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/environment.hpp"
#include "core/message.hpp"
#include "tools/process_runner.hpp"
#include "tools/tool.hpp"

namespace agentry::cli::chat {

class WorkspaceChanges {
 public:
  /// `tools_dir` holds tools/*.yaml (which tools write); read on the first tool call.
  WorkspaceChanges(std::filesystem::path root, std::filesystem::path tools_dir,
                   tools::ProcessRunner& runner, Environment env);

  /// Before a tool runs (called from the engine's thread).
  void before_tool(const ToolCall& call);

  /// The unified diff of the changes; "" when nothing changed. Errors (git failing) come back
  /// as the text to show.
  std::string diff(std::stop_token stop);

  /// True when the workspace is in a git work tree and git is installed.
  bool uses_git() const { return git_; }

  /// Files copied so far (relative paths), for tests.
  std::vector<std::string> snapshotted() const;

 private:
  void snapshot(const std::filesystem::path& file);
  void snapshot_sources();
  std::string git_diff(std::stop_token stop);
  std::string snapshot_diff() const;

  std::filesystem::path root_;
  std::filesystem::path tools_dir_;
  tools::ProcessRunner& runner_;
  Environment env_;
  bool git_ = false;
  mutable std::mutex mutex_;
  std::optional<std::vector<tools::ToolSpec>> specs_;
  std::map<std::filesystem::path, std::optional<std::string>> before_;  ///< nullopt: did not exist
  bool sources_taken_ = false;
};

}  // namespace agentry::cli::chat
