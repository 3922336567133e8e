#pragma once
/// What the model reads when a tool call threw. A tool must never end agentry: an exception that
/// escapes a call (a parser's std::out_of_range, a filesystem_error, a bug) is caught where the
/// call is made — the engine's run_one for every call it runs, the ToolInvoker for every registry
/// tool (so `agentry tools run` too) — and becomes an error result naming the tool and what was
/// thrown. Calls run side by side on std::jthread, where an escaping exception is
/// std::terminate.
#include <exception>
#include <string>
#include <string_view>

namespace agentry::tools {

/// "std::out_of_range: stoi", or a plain description for something that is no std::exception.
[[nodiscard]] std::string describe_exception(std::exception_ptr thrown);

/// The text the model reads for a call of `tool` that threw `thrown`.
[[nodiscard]] std::string tool_threw_message(std::string_view tool, std::exception_ptr thrown);

}  // namespace agentry::tools
