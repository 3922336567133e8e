#include "app/context_report.hpp"

#include <cmath>
#include <system_error>

#include "engine/context_budget.hpp"

namespace agentry::app {

namespace fs = std::filesystem;

std::int64_t estimated_tokens(std::size_t chars) {
  return static_cast<std::int64_t>(
      std::ceil(static_cast<double>(chars) / engine::ContextBudget::kStartCharsPerToken));
}

ContextReport context_report(const engine::Opening& opening, const fs::path& cwd) {
  ContextReport report;
  report.agent = opening.agent;
  report.cwd = cwd;
  report.warnings = opening.system.warnings;
  for (const auto& piece : opening.system.pieces) {
    ContextEntry entry{
        piece.name, piece.source, piece.text, estimated_tokens(piece.text.size()), {}};
    for (const auto& part : piece.parts)
      entry.parts.push_back({part.name, part.detail, {}, estimated_tokens(part.chars), {}});
    report.system.push_back(std::move(entry));
  }
  report.system_tokens = estimated_tokens(opening.system.text().size());
  for (const auto& tool : opening.tools) {
    std::int64_t tokens = estimated_tokens(engine::ContextBudget::chars_of({tool}));
    nlohmann::json schema{
        {"name", tool.name}, {"description", tool.description}, {"parameters", tool.parameters}};
    report.tools.push_back({tool.name, {}, schema.dump(), tokens, {}});
  }
  report.tools_tokens = estimated_tokens(engine::ContextBudget::chars_of(opening.tools));
  return report;
}

Result<ContextReport> context_report(Services& services, const std::string& agent) {
  auto runner = services.task_runner();
  if (!runner) return tl::make_unexpected(runner.error());
  engine::TaskRequest request;
  request.agent = agent;
  request.cwd = services.context().cwd;
  auto opening = (*runner)->opening(request);
  if (!opening) return tl::make_unexpected(opening.error());
  std::error_code ec;
  fs::path cwd = fs::weakly_canonical(request.cwd, ec);
  return context_report(*opening, ec ? request.cwd : cwd);
}

}  // namespace agentry::app
