#pragma once
/// The composition of the real engine for the front-ends: config files, the agent registry,
/// providers from config and environment, the tool registry with permissions and the process
/// runner, the SQLite session store. Built once per command; everything else is passed in.
#include <memory>

#include "cli/app_context.hpp"
#include "cli/task_runner.hpp"
#include "core/error.hpp"

namespace agentry::cli {

/// Builds the real TaskRunner. Config or registry problems come back as errors (exit 2).
[[nodiscard]] Result<std::unique_ptr<TaskRunner>> make_task_runner(AppContext& ctx);

}  // namespace agentry::cli
