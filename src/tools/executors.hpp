#pragma once
/// The executor behind each tool name, and what every executor shares: its spec, the services,
/// and the helpers that turn a failure the model can fix into a ToolOutput with is_error.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <sys/stat.h>

#include "core/unique_fd.hpp"
#include "tools/tool.hpp"
#include "tools/tool_registry.hpp"
#include "tools/workspace.hpp"

namespace agentry::tools {

using SharedServices = std::shared_ptr<const ToolServices>;

/// A tool bound to its spec; executors derive from it and implement run().
class SpecTool : public Tool {
 public:
  SpecTool(ToolSpec spec, SharedServices services)
      : spec_(std::move(spec)), services_(std::move(services)) {}
  const ToolSpec& spec() const override { return spec_; }

 protected:
  ToolSpec spec_;
  SharedServices services_;
};

/// The executor for `spec.schema.name`, or kConfig when agentry has none.
[[nodiscard]] Result<std::unique_ptr<Tool>> make_executor(ToolSpec spec, SharedServices services);

std::unique_ptr<Tool> make_read_file_tool(ToolSpec spec, SharedServices services);
std::unique_ptr<Tool> make_write_file_tool(ToolSpec spec, SharedServices services);
std::unique_ptr<Tool> make_edit_file_tool(ToolSpec spec, SharedServices services);
std::unique_ptr<Tool> make_list_files_tool(ToolSpec spec, SharedServices services);
std::unique_ptr<Tool> make_glob_tool(ToolSpec spec, SharedServices services);
std::unique_ptr<Tool> make_grep_tool(ToolSpec spec, SharedServices services);
/// cargo_check, cargo_build, cargo_clippy: one executor, the subcommand from the name.
std::unique_ptr<Tool> make_cargo_tool(ToolSpec spec, SharedServices services);
std::unique_ptr<Tool> make_cargo_test_tool(ToolSpec spec, SharedServices services);
std::unique_ptr<Tool> make_clippy_fix_tool(ToolSpec spec, SharedServices services);
std::unique_ptr<Tool> make_rustfmt_tool(ToolSpec spec, SharedServices services);
/// bash: a command line under /bin/bash -c (the one shell the model gets).
std::unique_ptr<Tool> make_bash_tool(ToolSpec spec, SharedServices services);

/// A result the model should react to (is_error = true).
ToolOutput model_error(std::string text, nlohmann::json details = nlohmann::json::object());

/// The call's workspace; an Error (the tool cannot run at all) when it is not a directory.
[[nodiscard]] Result<Workspace> open_workspace(const ToolContext& context, const ToolSpec& spec);

/// A path a reading tool was given, resolved, with the Workspace it lies in.
struct ReadTarget {
  Workspace workspace;
  std::filesystem::path path;
};

/// Resolves `given` for a tool that only reads: in `workspace` when it resolves there; else in
/// the first of context.read_roots it resolves into (a relative path taken from the workspace
/// root), that folder then being the Workspace, so every open stays beneath it. Otherwise the
/// workspace's refusal, for the model.
[[nodiscard]] Result<ReadTarget> resolve_for_reading(const Workspace& workspace,
                                                     const ToolContext& context,
                                                     std::string_view given);

/// open_workspace and resolve_for_reading in one: the target, or what the tool returns instead
/// (the model's refusal as a ToolOutput, or the Error when the workspace cannot be opened).
[[nodiscard]] tl::expected<ReadTarget, Result<ToolOutput>> reading_target(
    const ToolContext& context, const ToolSpec& spec, std::string_view given);

/// Folders file tools name but never enter: build output and VCS internals.
bool is_skipped_directory(const std::filesystem::path& name);

/// The cancellation Error when the call was stopped, else the model's message that `tool` ran
/// past its limits.timeout (`what` says what it was doing), for tools that check out_of_time().
[[nodiscard]] Result<ToolOutput> out_of_time_result(const ToolContext& context,
                                                    const ToolSpec& spec, std::string_view what);

/// A regular file opened for reading, with what fstat said of it.
struct OpenedFile {
  UniqueFd fd;
  struct stat st {};
};

/// Opens `path` (already resolved by `workspace`) below its root, O_RDONLY | O_NONBLOCK |
/// O_NOCTTY, so that neither a FIFO nor a device can block the call, and refuses anything that is
/// not a regular file. Errors carry the model's message; kNotFound when it does not exist.
[[nodiscard]] Result<OpenedFile> open_for_reading(const Workspace& workspace,
                                                  const std::filesystem::path& path);

/// True when the first 8 KiB of the open file hold a NUL byte (read with pread: the offset
/// stays).
bool looks_binary(int fd);

/// At most `max_bytes` of the open file from its start; an Error naming `shown` (and the
/// bound) when it holds more.
[[nodiscard]] Result<std::string> read_bounded(int fd, std::size_t max_bytes,
                                               const std::string& shown);

/// The regular file `path` (resolved by `workspace`), opened as open_for_reading does, whole
/// when it has at most `max_bytes`; an Error with the model's message otherwise.
[[nodiscard]] Result<std::string> read_workspace_file(const Workspace& workspace,
                                                      const std::filesystem::path& path,
                                                      std::size_t max_bytes);

/// Files the tools read whole (edit_file, approval previews, the snapshots of rustfmt and
/// clippy_fix) may have at most this many bytes.
inline constexpr std::size_t kMaxWholeFileBytes = 8 * 1024 * 1024;

struct WriteOptions {
  bool create_folders = false;      ///< make missing parent folders (write_file)
  bool may_write_settings = false;  ///< ToolContext::may_write_settings
};

/// Replaces `file` (resolved by `workspace`) with `content`, relative to the root's descriptor:
/// the parent folder is opened beneath the root (made first with create_folders), a temporary
/// file is created in it (O_CREAT | O_EXCL | O_NOFOLLOW) and renamed over the name within that
/// folder, keeping the old file's mode. A folder that now leads out, or into a settings folder
/// the call was not allowed to write, is refused. Errors carry the model's message.
[[nodiscard]] Result<void> write_file_atomically(const Workspace& workspace,
                                                 const std::filesystem::path& file,
                                                 std::string_view content, WriteOptions options);

/// The model's message for a failed write_file_atomically of `shown`.
ToolOutput write_failure(const Error& error, const std::string& shown);

}  // namespace agentry::tools
