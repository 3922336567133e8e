#pragma once
/// The composition of the real engine for the front-ends: config files, the agent registry,
/// providers from config and environment, the tool registry with permissions and the process
/// runner, the SQLite session store. Built once per command; everything else is passed in.
#include <memory>

#include "app/app_context.hpp"
#include "core/error.hpp"
#include "engine/task_runner.hpp"

namespace agentry::app {

/// When the runner loads libcurl (see llm/curl_global.hpp).
enum class HttpLoading {
  kOnFirstRequest,  ///< chat and mcp: their prompt and handshake must not compete with it
  kNow,             ///< run, batch, demo: a request is certain, so load it on a thread while
                    ///< config, agents, tools and the store load (it is most of a one-shot's
                    ///< start-up)
};

/// Builds the real engine::TaskRunner. Config or registry problems come back as errors (exit 2).
[[nodiscard]] Result<std::unique_ptr<engine::TaskRunner>> make_task_runner(
    AppContext& ctx, HttpLoading http = HttpLoading::kOnFirstRequest);

}  // namespace agentry::app
