#pragma once
/// The engine composed for the front-ends (engine::TaskRunner) over app::Services: the agents,
/// the model resolver, the tool host with the permissions and approvers, the session store and
/// the prompts. What only a task needs loads on the first task, so the chat's prompt and the
/// MCP handshake do not wait for it. Commands get it through Services::task_runner().
#include <memory>

#include "app/services.hpp"
#include "core/error.hpp"
#include "engine/task_runner.hpp"

namespace agentry::app {

/// Builds the real engine::TaskRunner. Config or registry problems come back as errors (exit 2).
/// `services` must outlive the runner.
[[nodiscard]] Result<std::unique_ptr<engine::TaskRunner>> make_task_runner(Services& services,
                                                                           HttpLoading http);

}  // namespace agentry::app
