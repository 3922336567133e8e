#include "cli/commands.hpp"

namespace agentry::cli {
void set_agents_command(CLI::App& app, AppContext&) { app.add_subcommand("agents", "Agents"); }
}  // namespace agentry::cli
