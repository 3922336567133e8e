#pragma once
/// Core error and result types shared by every layer.
///
/// Libraries return `Result<T>`; only the front-ends (src/cli) turn an `Error` into a message and
/// an exit code. An error says what failed (`message`), where (`where`: file:line:col, URL, tool,
/// task id) and what the user can do (`hint`). It never carries a secret.
#include <cstdint>
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace agentry {

enum class ErrorCode {
  kUsage,        ///< bad command line
  kConfig,       ///< bad configuration, agent file or task file
  kNotFound,     ///< a named thing (agent, tool, provider, session) does not exist
  kIo,           ///< file system failure
  kParse,        ///< malformed data from outside (JSON, YAML, SSE)
  kNetwork,      ///< connection-level failure; retryable
  kHttp,         ///< the server answered with an error status
  kAuth,         ///< 401/403: the key is missing or wrong
  kRateLimited,  ///< 429/529 after retries ran out
  kTimeout,      ///< a deadline passed
  kCancelled,    ///< the user or a parent stopped the work
  kTool,         ///< a tool could not run at all (not a failed check: that goes to the model)
  kPermission,   ///< denied by policy or by the user
  kLimit,        ///< a documented bound was hit (size, depth, steps)
  /// The model server refused the request because the prompt (with the output budget) does not
  /// fit the model's context window. Not transient: the same request fails again; the conversation
  /// must shrink first. Error::overflow carries the sizes when the server stated them.
  kContextOverflow,
  kInternal,  ///< a bug in agentry
};

/// Stable lowercase name of an error code, used in JSON output and logs.
const char* to_string(ErrorCode code);

/// The sizes a context-overflow error stated (ErrorCode::kContextOverflow); 0 where the server's
/// text did not say.
struct ContextOverflowSizes {
  std::int64_t limit = 0;   ///< the model's context window in tokens, as the server stated it
  std::int64_t prompt = 0;  ///< the tokens the refused request held (prompt, or prompt + output)
  bool operator==(const ContextOverflowSizes&) const = default;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;            ///< what failed, one line
  std::string where;              ///< file:line:col, URL, tool name or task id; may be empty
  std::string hint;               ///< what to do about it; may be empty
  bool retryable = false;         ///< trying the same thing again may succeed
  ContextOverflowSizes overflow;  ///< kContextOverflow only: what the server said of the sizes

  Error() = default;
  Error(ErrorCode c, std::string msg, std::string at = {}, std::string what_to_do = {})
      : code(c), message(std::move(msg)), where(std::move(at)), hint(std::move(what_to_do)) {}

  /// "where: message (hint)" — the form every front-end prints.
  std::string to_string() const;
};

template <class T>
using Result = tl::expected<T, Error>;

/// Shorthand for `tl::make_unexpected(Error{...})`.
template <class... Args>
[[nodiscard]] tl::unexpected<Error> fail(Args&&... args) {
  return tl::make_unexpected(Error{std::forward<Args>(args)...});
}

/// Exit codes of every front-end (STYLE.md).
enum ExitCode : int { kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitInterrupted = 130 };

/// The exit code an error ends a command with.
int exit_code_for(const Error& error);

}  // namespace agentry
