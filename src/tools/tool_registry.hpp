#pragma once
/// The tools the model can call: every tools/*.yaml bound to its executor. Immutable after load.
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>

#include "core/environment.hpp"
#include "core/error.hpp"
#include "core/secret_redactor.hpp"
#include "tools/process_runner.hpp"
#include "tools/tool.hpp"

namespace agentry::tools {

/// What executors need beyond their call's ToolContext; fixed for a registry's life.
struct ToolServices {
  ProcessRunner* runner = nullptr;  ///< must outlive the registry (a sandboxing runner when on)
  Environment environment;          ///< the parent's; children get child_environment() of it
  /// CARGO_TARGET_DIR for cargo tools (relative: from the workspace root); unset: cargo's own.
  std::optional<std::filesystem::path> cargo_target_dir;
  std::shared_ptr<spdlog::logger> log;  ///< may be null
  /// The known secrets, cut out of every tool's output by the ToolInvoker; null: none.
  std::shared_ptr<const SecretRedactor> redactor;
};

class ToolRegistry {
 public:
  /// Loads every *.yaml in `dir` (usually <data_dir>/tools) and binds each to its executor; a
  /// file naming a tool agentry has no executor for is an error.
  [[nodiscard]] static Result<ToolRegistry> load(const std::filesystem::path& dir,
                                                 ToolServices services);
  /// The same from specs already read.
  [[nodiscard]] static Result<ToolRegistry> from_specs(std::vector<ToolSpec> specs,
                                                       ToolServices services);

  /// The tool called `name`, or null.
  Tool* find(std::string_view name) const;
  /// Every tool, sorted by name.
  const std::vector<std::unique_ptr<Tool>>& tools() const { return tools_; }
  /// What the model sees of every tool, sorted by name.
  std::vector<ToolSchema> schemas() const;
  /// The services' redactor (one that redacts nothing when none was given).
  const SecretRedactor& redactor() const { return *redactor_; }
  /// The services' logger; may be null.
  const std::shared_ptr<spdlog::logger>& log() const { return log_; }

 private:
  std::vector<std::unique_ptr<Tool>> tools_;
  std::shared_ptr<const SecretRedactor> redactor_ = std::make_shared<const SecretRedactor>();
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace agentry::tools
