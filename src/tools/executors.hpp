#pragma once
/// The executor behind each tool name, and what every executor shares: its spec, the services,
/// and the helpers that turn a failure the model can fix into a ToolOutput with is_error.
#include <filesystem>
#include <memory>
#include <string>

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

/// A result the model should react to (is_error = true).
ToolOutput model_error(std::string text, nlohmann::json details = nlohmann::json::object());

/// The call's workspace; an Error (the tool cannot run at all) when it is not a directory.
[[nodiscard]] Result<Workspace> open_workspace(const ToolContext& context, const ToolSpec& spec);

/// Folders file tools name but never enter: build output and VCS internals.
bool is_skipped_directory(const std::filesystem::path& name);

/// True when the first 8 KiB of `file` hold a NUL byte.
bool looks_binary(const std::filesystem::path& file);

/// Replaces `file`'s content through a temporary file and a rename, keeping its mode.
[[nodiscard]] Result<void> write_file_atomically(const std::filesystem::path& file,
                                                 std::string_view content);

/// The whole file, or an Error naming it.
[[nodiscard]] Result<std::string> read_whole_file(const std::filesystem::path& file);

}  // namespace agentry::tools
