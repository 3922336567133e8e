#pragma once
// An app::AppContext whose logger writes into a string, one warning per line, for tests of what
// loading the config warns about.
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "app/app_context.hpp"
#include "support/temp_dir.hpp"

namespace agentry::testing {

struct LoggedContext {
  app::AppContext ctx;
  std::ostringstream logged;

  LoggedContext() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(logged);
    sink->set_pattern("%v");
    ctx.log = std::make_shared<spdlog::logger>("test", sink);
  }
  LoggedContext(const LoggedContext&) = delete;
  LoggedContext& operator=(const LoggedContext&) = delete;

  std::vector<std::string> warnings() const {
    std::vector<std::string> out;
    std::istringstream in(logged.str());
    for (std::string line; std::getline(in, line);)
      out.push_back(line);
    return out;
  }
};

/// A LoggedContext loaded (load_app_config) over a temporary home: the user's config and a
/// project's `.agentry/config.yaml` in dir/project, the working directory.
struct LoadedProject : LoggedContext {
  TempDir dir;

  LoadedProject(const std::string& user_yaml, const std::string& project_yaml, bool trust = false) {
    dir.write("config/agentry/config.yaml", user_yaml);
    dir.write("project/.agentry/config.yaml", project_yaml);
    ctx.env.set("XDG_CONFIG_HOME", (dir.path() / "config").string());
    ctx.env.set("HOME", dir.path().string());
    ctx.cwd = dir.path() / "project";
    ctx.trust_project = trust;
    app::load_app_config(ctx);
    REQUIRE_MESSAGE(ctx.config, (ctx.config ? "" : ctx.config.error().to_string()));
  }
};

}  // namespace agentry::testing
