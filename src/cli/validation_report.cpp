#include "cli/validation_report.hpp"

#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agents/agent_json.hpp"
#include "cli/commands.hpp"
#include "core/terminal_text.hpp"

namespace agentry::cli {

void report_validation(const app::AppContext& ctx, const agents::Diagnostics& diagnostics,
                       std::size_t loaded, std::string_view noun, bool json) {
  using agents::Severity;
  std::size_t errors = agents::count(diagnostics, Severity::kError);
  std::size_t warnings = agents::count(diagnostics, Severity::kWarning);
  auto plural = [](std::size_t n) { return n == 1 ? "" : "s"; };
  if (json) {
    nlohmann::ordered_json out;
    out[fmt::format("{}s", noun)] = loaded;
    out["errors"] = nlohmann::ordered_json::array();
    out["warnings"] = nlohmann::ordered_json::array();
    for (const auto& d : diagnostics) {
      if (d.severity == Severity::kError) out["errors"].push_back(agents::to_json(d, false));
      if (d.severity == Severity::kWarning) out["warnings"].push_back(agents::to_json(d, false));
    }
    // Files may hold invalid UTF-8; a script still gets valid JSON.
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  } else {
    bool notes = ctx.log && ctx.log->should_log(spdlog::level::info);
    for (const auto& d : diagnostics) {
      if (d.severity != Severity::kInfo || notes)
        std::cout << terminal_safe_line(d.to_string()) << '\n';
    }
    std::cout << fmt::format("{} {}{}, {} error{}, {} warning{}\n", loaded, noun, plural(loaded),
                             errors, plural(errors), warnings, plural(warnings));
  }
  if (errors > 0) throw CommandExit(kExitFailed);
}

}  // namespace agentry::cli
