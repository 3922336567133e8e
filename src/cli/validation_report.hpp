#pragma once
/// What `agentry agents validate` and `agentry skills validate` print: every problem as
/// file:line:column (info notes only at -v), then a count line; or, with --json, one object
/// {<noun>s, errors, warnings} on stdout. Exit 1 when there are errors (CommandExit).
#include <cstddef>
#include <string_view>

#include "agents/diagnostic.hpp"
#include "app/app_context.hpp"

namespace agentry::cli {

/// Prints the report of `loaded` files of `noun` ("agent", "skill") and their `diagnostics`;
/// throws CommandExit(kExitFailed) when one of them is an error.
void report_validation(const app::AppContext& ctx, const agents::Diagnostics& diagnostics,
                       std::size_t loaded, std::string_view noun, bool json);

}  // namespace agentry::cli
