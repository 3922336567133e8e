#pragma once
// An app::AppContext whose logger writes into a string, one warning per line, for tests of what
// loading the config warns about.
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "app/app_context.hpp"

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

}  // namespace agentry::testing
